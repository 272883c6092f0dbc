using ChatApp.Storage;

namespace ChatApp.Messaging;

/// <summary>An event for the connections of some users, wherever those connections live.</summary>
public abstract record BusEvent;

/// <summary>
/// A stored message for its members' connections. <see cref="MessageJson"/> is the message object serialized
/// once for every recipient; each recipient's frame adds only its own seq.
/// </summary>
public sealed record MessageDelivery(Recipient[] Recipients, byte[] MessageJson, long SenderConnectionId) : BusEvent;

/// <summary>A device logged out: its sockets close on every node.</summary>
public sealed record DeviceRevoked(long UserId, long DeviceId) : BusEvent;

/// <summary>
/// Routes events to user connections across nodes.
/// <para>Contract: events published by one caller reach each node's <see cref="ILocalEventSink"/> in publish order,
/// so a user's live frames keep ascending seq. Delivery is at most once (a node that is down misses the event;
/// clients catch up with sync). <see cref="PublishAsync"/> never waits on a slow connection. Thread-safe.</para>
/// </summary>
public interface IMessageBus
{
    ValueTask PublishAsync(BusEvent busEvent, CancellationToken cancellationToken);
}

/// <summary>Receives the bus events for this node's own connections. Must not block: it only queues frames.</summary>
public interface ILocalEventSink
{
    void Deliver(BusEvent busEvent);
}
