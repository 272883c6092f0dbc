using System.Diagnostics;
using System.Text.Json;

namespace ChatApp.LoadTest;

/// <summary>What every scenario shares: the target, its API client, the users, live counters and the result.</summary>
public sealed class RunContext : IAsyncDisposable
{
    public required ServerTarget Target { get; init; }
    public required ChatApi Api { get; init; }
    public required UserPool Users { get; init; }
    public required LoadOptions Options { get; init; }
    public required TextWriter Log { get; init; }
    public SocketFactory Sockets => _sockets ??= new SocketFactory(Options.Int("source-addresses", 1));
    SocketFactory? _sockets;

    /// <summary>Cancelled by Ctrl+C; scenarios stop early and still report what they measured.</summary>
    public CancellationToken Stopping { get; init; }

    public long Connections, Sent, Acked, Delivered, Errors;
    public Dictionary<string, object?> Result { get; } = [];

    readonly Stopwatch _clock = Stopwatch.StartNew();
    public static long NowMicros() => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency;
    public double ElapsedSeconds => _clock.Elapsed.TotalSeconds;

    /// <summary>Prints a live line once a second until the returned object is disposed.</summary>
    public IAsyncDisposable ShowProgress()
    {
        var cts = new CancellationTokenSource();
        var task = Task.Run(async () =>
        {
            long lastAcked = 0;
            var last = Stopwatch.GetTimestamp();
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(cts.Token))
                {
                    var acked = Interlocked.Read(ref Acked);
                    var rate = (acked - lastAcked) / Stopwatch.GetElapsedTime(last).TotalSeconds;
                    last = Stopwatch.GetTimestamp();
                    lastAcked = acked;
                    Log.WriteLine($"[{ElapsedSeconds,6:0.0}s] connections {Interlocked.Read(ref Connections)} sent {Interlocked.Read(ref Sent)} " +
                        $"acked {acked} delivered {Interlocked.Read(ref Delivered)} msgs/s {rate:0} errors {Interlocked.Read(ref Errors)}");
                }
            }
            catch (OperationCanceledException) { }
        });
        return new Stopper(cts, task);
    }

    sealed class Stopper(CancellationTokenSource cts, Task task) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await cts.CancelAsync();
            await task;
            cts.Dispose();
        }
    }

    public void Add(string name, object? value) => Result[name] = value;

    public void AddLatency(string name, LatencySummary summary)
    {
        Result[$"{name}.p50Ms"] = Math.Round(summary.P50Ms, 2);
        Result[$"{name}.p90Ms"] = Math.Round(summary.P90Ms, 2);
        Result[$"{name}.p99Ms"] = Math.Round(summary.P99Ms, 2);
        Result[$"{name}.maxMs"] = Math.Round(summary.MaxMs, 2);
    }

    /// <summary>The result table on standard output, and as JSON when --json FILE was given.</summary>
    public async Task ReportAsync(TextWriter output)
    {
        var width = Result.Keys.DefaultIfEmpty("").Max(k => k.Length);
        output.WriteLine();
        output.WriteLine($"{"metric".PadRight(width)}  value");
        output.WriteLine($"{new string('-', width)}  -----");
        foreach (var (key, value) in Result) output.WriteLine($"{key.PadRight(width)}  {Format(value)}");
        if (Options.String("json") is { } path)
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(Result, new JsonSerializerOptions { WriteIndented = true }));
    }

    static string Format(object? value) => value switch
    {
        double d => d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        null => "-",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    public async ValueTask DisposeAsync()
    {
        _sockets?.Dispose();
        Api.Dispose();
        await Target.DisposeAsync();
    }
}
