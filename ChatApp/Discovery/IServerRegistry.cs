namespace ChatApp.Discovery;

/// <summary>A chat server as discovery sees it. <see cref="Url"/> is null when the node derives it from each request.</summary>
public sealed record ServerInfo(string ServerId, string? Url, int Load, DateTimeOffset LastSeen);

/// <summary>
/// The live chat servers, kept fresh by each node's heartbeat.
/// <para>Contract: <see cref="GetAliveAsync"/> lists each server whose last heartbeat is younger than the
/// registry's time-to-live, least loaded first (ties by server id). A heartbeat replaces the server's previous
/// entry; <see cref="RemoveAsync"/> drops it at once (clean shutdown). Thread-safe.</para>
/// </summary>
public interface IServerRegistry
{
    ValueTask HeartbeatAsync(ServerInfo server, CancellationToken cancellationToken);
    ValueTask RemoveAsync(string serverId, CancellationToken cancellationToken);
    ValueTask<IReadOnlyList<ServerInfo>> GetAliveAsync(CancellationToken cancellationToken);
}

/// <summary>How many clients this node serves now; the load discovery ranks by.</summary>
public interface IChatServerLoad
{
    int Load { get; }
}
