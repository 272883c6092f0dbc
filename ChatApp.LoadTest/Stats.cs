namespace ChatApp.LoadTest;

/// <summary>Latency samples in microseconds; percentiles by nearest rank. Thread-safe to record into.</summary>
public sealed class LatencyRecorder
{
    readonly List<long> _samples = [];
    readonly Lock _lock = new();

    public void Record(long microseconds)
    {
        lock (_lock) _samples.Add(microseconds);
    }

    public int Count { get { lock (_lock) return _samples.Count; } }

    public LatencySummary Summarize()
    {
        long[] sorted;
        lock (_lock) sorted = [.. _samples];
        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99),
            sorted.Length == 0 ? 0 : sorted[^1] / 1000.0);
    }

    /// <summary>Nearest-rank percentile of sorted samples, in milliseconds (0 when there are none).</summary>
    public static double Percentile(long[] sorted, double p)
    {
        if (sorted.Length == 0) return 0;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1] / 1000.0;
    }
}

public sealed record LatencySummary(int Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs);

/// <summary>
/// Which messages each receiver got: every expected (receiver, message) pair must arrive exactly once.
/// Lost = expected and never delivered; duplicated = delivered more than once; unexpected = delivered but never sent.
/// </summary>
public sealed class DeliveryLedger
{
    readonly Dictionary<(int Receiver, string Message), int> _expected = [];
    readonly Lock _lock = new();
    long _duplicated, _unexpected, _delivered;

    public void Expect(int receiver, string messageKey)
    {
        lock (_lock) _expected.TryAdd((receiver, messageKey), 0);
    }

    /// <summary>Records a delivery; returns false when it is a duplicate or unexpected.</summary>
    public bool Deliver(int receiver, string messageKey)
    {
        lock (_lock)
        {
            if (!_expected.TryGetValue((receiver, messageKey), out var seen)) { _unexpected++; return false; }
            _expected[(receiver, messageKey)] = seen + 1;
            if (seen > 0) { _duplicated++; return false; }
            _delivered++;
            return true;
        }
    }

    public long Delivered { get { lock (_lock) return _delivered; } }
    public long Duplicated { get { lock (_lock) return _duplicated; } }
    public long Unexpected { get { lock (_lock) return _unexpected; } }
    public long Lost { get { lock (_lock) return _expected.Values.Count(v => v == 0); } }
    public long Expected { get { lock (_lock) return _expected.Count; } }
}
