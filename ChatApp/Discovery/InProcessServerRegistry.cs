using Microsoft.Extensions.Options;

namespace ChatApp.Discovery;

/// <summary>The servers known to this process: on one node, just itself.</summary>
public sealed class InProcessServerRegistry(TimeProvider time, IOptions<DiscoveryOptions> options) : IServerRegistry
{
    readonly Dictionary<string, ServerInfo> _servers = [];
    readonly Lock _lock = new();

    /// <inheritdoc/>
    public ValueTask HeartbeatAsync(ServerInfo server, CancellationToken cancellationToken)
    {
        lock (_lock) _servers[server.ServerId] = server;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(string serverId, CancellationToken cancellationToken)
    {
        lock (_lock) _servers.Remove(serverId);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ServerInfo>> GetAliveAsync(CancellationToken cancellationToken)
    {
        var oldest = time.GetUtcNow() - options.Value.ServerTtl;
        lock (_lock)
            return ValueTask.FromResult<IReadOnlyList<ServerInfo>>(
                [.. _servers.Values.Where(s => s.LastSeen > oldest).OrderBy(s => s.Load).ThenBy(s => s.ServerId, StringComparer.Ordinal)]);
    }
}
