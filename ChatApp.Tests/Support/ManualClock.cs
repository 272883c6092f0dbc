namespace ChatApp.Tests.Support;

/// <summary>
/// Wall-clock time as usual, but a monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) that only moves when
/// the test says so: rate limits and timeouts measured with it become exact instead of racing the machine.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    long _timestamp = System.GetTimestamp();

    public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _timestamp, (long)(by.TotalSeconds * TimestampFrequency));
}
