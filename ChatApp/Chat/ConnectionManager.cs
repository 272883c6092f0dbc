using System.Collections.Concurrent;
using System.Net.WebSockets;
using ChatApp.Discovery;
using ChatApp.Messaging;

namespace ChatApp.Chat;

/// <summary>This node's open sockets, by user. Receives the bus events for them and queues their frames.</summary>
sealed class ConnectionManager : ILocalEventSink, IChatServerLoad
{
    // Copy-on-write arrays: delivery (every message) reads without locking; connect/disconnect (rare) copies.
    readonly ConcurrentDictionary<long, ChatConnection[]> _byUser = new();
    readonly Lock _lock = new();
    int _count;

    public int Load => Volatile.Read(ref _count);

    /// <summary>Set when the node begins shutting down: no new sockets, no new sends.</summary>
    public bool Draining { get; private set; }

    public void Add(ChatConnection connection)
    {
        lock (_lock)
        {
            _byUser.TryGetValue(connection.UserId, out var existing);
            _byUser[connection.UserId] = existing is null ? [connection] : [.. existing, connection];
            _count++;
        }
    }

    public void Remove(ChatConnection connection)
    {
        lock (_lock)
        {
            if (!_byUser.TryGetValue(connection.UserId, out var existing) || Array.IndexOf(existing, connection) < 0) return;
            if (existing.Length == 1) _byUser.TryRemove(connection.UserId, out _);
            else _byUser[connection.UserId] = [.. existing.Where(c => c != connection)];
            _count--;
        }
    }

    public void Deliver(BusEvent busEvent)
    {
        switch (busEvent)
        {
            case MessageDelivery delivery:
                foreach (var recipient in delivery.Recipients)
                {
                    if (!_byUser.TryGetValue(recipient.UserId, out var connections)) continue;
                    foreach (var connection in connections)
                        if (connection.Id != delivery.SenderConnectionId)
                            connection.EnqueueMessage(delivery.MessageJson, recipient.Seq);
                }
                break;
            case DeviceRevoked revoked:
                if (_byUser.TryGetValue(revoked.UserId, out var sockets))
                    foreach (var connection in sockets)
                        if (connection.DeviceId == revoked.DeviceId)
                            connection.Close(WebSocketCloseStatus.PolicyViolation, "Logged out.");
                break;
        }
    }

    /// <summary>Stops new sockets and sends, and returns the sockets open now.</summary>
    public ChatConnection[] BeginDrain()
    {
        lock (_lock)
        {
            Draining = true;
            return [.. _byUser.Values.SelectMany(c => c)];
        }
    }

    public async Task WaitUntilEmptyAsync(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Load > 0 && Environment.TickCount64 < deadline) await Task.Delay(20);
    }
}
