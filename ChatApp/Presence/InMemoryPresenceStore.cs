using Microsoft.Extensions.Options;

namespace ChatApp.Presence;

/// <summary>Presence for one node, held in memory.</summary>
public sealed class InMemoryPresenceStore(TimeProvider time, IOptions<PresenceOptions> options) : IPresenceStore
{
    sealed class Entry
    {
        public readonly Dictionary<long, DateTimeOffset> Connections = new(1);
        public DateTimeOffset LastSeen;
    }

    readonly Dictionary<long, Entry> _users = [];
    readonly Lock _lock = new();

    /// <inheritdoc/>
    public ValueTask ConnectedAsync(long userId, long connectionId, CancellationToken cancellationToken) =>
        HeartbeatAsync(userId, connectionId, cancellationToken);

    /// <inheritdoc/>
    public ValueTask HeartbeatAsync(long userId, long connectionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_users.TryGetValue(userId, out var entry)) _users[userId] = entry = new Entry();
            entry.Connections[connectionId] = now;
            entry.LastSeen = now;
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DisconnectedAsync(long userId, long connectionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_users.TryGetValue(userId, out var entry) || !entry.Connections.Remove(connectionId))
                return ValueTask.FromResult(false);
            entry.LastSeen = now;
            return ValueTask.FromResult(!IsOnline(entry, now));
        }
    }

    /// <inheritdoc/>
    public ValueTask<PresenceState> GetAsync(long userId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_users.TryGetValue(userId, out var entry)
                ? new PresenceState(userId, IsOnline(entry, time.GetUtcNow()), entry.LastSeen)
                : new PresenceState(userId, false, null));
        }
    }

    bool IsOnline(Entry entry, DateTimeOffset now)
    {
        var oldest = now - options.Value.Timeout;
        foreach (var reported in entry.Connections.Values)
            if (reported > oldest) return true;
        return false;
    }
}
