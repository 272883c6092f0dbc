using System.Net.WebSockets;
using Microsoft.Extensions.Options;

namespace ChatApp.Chat;

/// <summary>
/// A clean stop, before the web server stops: refuse new sockets and sends, store and ack everything queued, then
/// close each socket with 1012 (service restart) so its client reconnects through discovery.
/// </summary>
sealed class ChatShutdown(ConnectionManager connections, MessageWriter writer, IOptions<ChatOptions> options, ILogger<ChatShutdown> logger)
    : IHostedLifecycleService
{
    const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var open = connections.BeginDrain();
        await writer.FlushAndStopAsync().WaitAsync(cancellationToken);
        foreach (var connection in open) connection.Close(ServiceRestart, "Server restarting.");
        await connections.WaitUntilEmptyAsync(options.Value.CloseTimeout + TimeSpan.FromSeconds(1));
        logger.LogInformation("Chat drained: {Count} sockets closed", open.Length);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
