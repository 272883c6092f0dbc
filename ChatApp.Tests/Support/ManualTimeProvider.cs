namespace ChatApp.Tests.Support;

/// <summary>
/// A clock that moves only when the test moves it, so expiry tests never sleep. Timers are refused rather than
/// run on real time: a test that needs one should fail loudly, not pass by luck.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    /// <summary>A whole second, so stores that keep milliseconds or seconds hold these times exactly.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    readonly Lock _lock = new();
    DateTimeOffset _now = start;

    public ManualTimeProvider() : this(DefaultStart) { }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    // Timestamps follow the manual clock too, so elapsed-time measurements agree with GetUtcNow.
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (_lock) _now += by;
    }

    /// <summary>Sets the clock to any time, earlier ones included (a clock that steps back).</summary>
    public void SetUtcNow(DateTimeOffset now)
    {
        lock (_lock) _now = now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("ManualTimeProvider has no timers; move the clock and call the code under test.");
}
