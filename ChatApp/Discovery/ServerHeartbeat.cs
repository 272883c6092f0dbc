using Microsoft.Extensions.Options;

namespace ChatApp.Discovery;

/// <summary>Keeps this node's registry entry fresh, and removes it on a clean shutdown.</summary>
sealed class ServerHeartbeat(
    IServerRegistry registry, IChatServerLoad load, ServerIdentity identity, IOptions<NodeOptions> node,
    IOptions<DiscoveryOptions> options, TimeProvider time, ILogger<ServerHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        do
        {
            try
            {
                await registry.HeartbeatAsync(new ServerInfo(identity.ServerId, node.Value.PublicUrl, load.Load, time.GetUtcNow()), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Server heartbeat failed; retrying on the next tick");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await registry.RemoveAsync(identity.ServerId, cancellationToken);
    }
}

/// <summary>This node's name among the chat servers, in hello frames and the registry.</summary>
public sealed class ServerIdentity(IOptions<NodeOptions> node)
{
    public string ServerId { get; } = $"node-{node.Value.Id}";
}
