using ChatApp.Messaging;

namespace ChatApp.Tests.Support;

/// <summary>An <see cref="ILocalEventSink"/> that keeps every event it receives, in arrival order.</summary>
public sealed class RecordingEventSink : ILocalEventSink
{
    readonly Lock _lock = new();
    readonly List<BusEvent> _events = [];
    readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    public void Deliver(BusEvent busEvent)
    {
        lock (_lock)
        {
            _events.Add(busEvent);
            foreach (var waiter in _waiters.Where(w => _events.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>The events received so far.</summary>
    public IReadOnlyList<BusEvent> Events
    {
        get { lock (_lock) return [.. _events]; }
    }

    /// <summary>Waits until at least <paramref name="count"/> events arrived (a scaled-out bus delivers asynchronously), then returns them all.</summary>
    public async Task<IReadOnlyList<BusEvent>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        Task reached;
        lock (_lock)
        {
            if (_events.Count >= count) return [.. _events];
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, waiter));
            reached = waiter.Task;
        }
        try
        {
            await reached.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Expected {count} events; {Events.Count} arrived.");
        }
        return Events;
    }
}
