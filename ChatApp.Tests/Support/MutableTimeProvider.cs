namespace ChatApp.Tests.Support;

/// <summary>
/// A clock the test moves by hand, so expiry can be shown without sleeping. Only wall-clock time moves:
/// timers and timestamps stay real, so background loops keep running normally.
/// </summary>
public sealed class MutableTimeProvider(DateTimeOffset start) : TimeProvider
{
    long _utcTicks = start.UtcTicks;

    public MutableTimeProvider() : this(DateTimeOffset.UtcNow) { }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
