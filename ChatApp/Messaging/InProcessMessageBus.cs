namespace ChatApp.Messaging;

/// <summary>One node: every connection is local, so publishing is a direct hand-off to this node's sink.</summary>
public sealed class InProcessMessageBus(ILocalEventSink sink) : IMessageBus
{
    /// <inheritdoc/>
    public ValueTask PublishAsync(BusEvent busEvent, CancellationToken cancellationToken)
    {
        sink.Deliver(busEvent);
        return ValueTask.CompletedTask;
    }
}
