using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace ChatApp.Tests.Support;

/// <summary>One answer to a sync frame: the message frames it brought, then its synced frame's fields.</summary>
public sealed record SyncPage(List<JsonElement> Messages, long Seq, bool HasMore);

/// <summary>A test's end of a chat socket: frames are read in the background and taken in order.</summary>
public sealed class WsClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    readonly Channel<JsonElement> _frames = Channel.CreateUnbounded<JsonElement>();
    readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly SemaphoreSlim _sendLock = new(1, 1);

    public WsClient(WebSocket socket)
    {
        Socket = socket;
        _ = ReadLoopAsync();
    }

    public WebSocket Socket { get; }
    public JsonElement Hello { get; internal set; }

    /// <summary>The close status the server sent (null when the connection broke without one).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame));

    public async Task SendRawAsync(string text)
    {
        await _sendLock.WaitAsync();
        try { await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    /// <summary>Sends bytes as one frame of the given kind, unchecked: for binary frames and text that is not UTF-8.</summary>
    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync();
        try { await Socket.SendAsync(bytes, type, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    public Task SendMessageAsync(string conversationId, string body, string? clientMsgId = null) =>
        SendAsync(new { type = "send", clientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N"), conversationId, body });

    /// <summary>The next frame, whatever its type.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _frames.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No frame arrived in time.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The socket closed ({await Closed}) before another frame arrived.");
        }
    }

    /// <summary>The next frame, which must have the given type.</summary>
    public async Task<JsonElement> ExpectAsync(string type, TimeSpan? timeout = null)
    {
        var frame = await NextAsync(timeout);
        Assert.True(frame.GetProperty("type").GetString() == type, $"expected a '{type}' frame, got {frame}");
        return frame;
    }

    /// <summary>The next <paramref name="count"/> frames, each of which must have the given type.</summary>
    public async Task<List<JsonElement>> ExpectManyAsync(string type, int count, TimeSpan? timeout = null)
    {
        var frames = new List<JsonElement>(count);
        for (var i = 0; i < count; i++) frames.Add(await ExpectAsync(type, timeout));
        return frames;
    }

    /// <summary>Sends <c>{type:sync}</c> and reads its answer: message frames, then the synced frame.</summary>
    public async Task<SyncPage> SyncAsync(long after, int? limit = null)
    {
        await SendAsync(limit is null ? new { type = "sync", after } : new { type = "sync", after, limit });
        var messages = new List<JsonElement>();
        while (true)
        {
            var frame = await NextAsync();
            var type = frame.GetProperty("type").GetString();
            if (type == "synced") return new SyncPage(messages, frame.GetProperty("seq").GetInt64(), frame.GetProperty("hasMore").GetBoolean());
            Assert.True(type == "message", $"expected message frames then 'synced', got {frame}");
            messages.Add(frame);
        }
    }

    /// <summary>Waits for the socket to end, then returns every frame not taken yet.</summary>
    public async Task<List<JsonElement>> RemainingFramesAsync(TimeSpan? timeout = null)
    {
        await Closed.WaitAsync(timeout ?? DefaultTimeout);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var frames = new List<JsonElement>();
        await foreach (var frame in _frames.Reader.ReadAllAsync(cts.Token))
            frames.Add(frame);
        return frames;
    }

    /// <summary>True when no frame arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> IsQuietAsync(TimeSpan wait)
    {
        try { await NextAsync(wait); return false; }
        catch (TimeoutException) { return true; }
    }

    async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    if (Socket.State == WebSocketState.CloseReceived)
                        await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                _frames.Writer.TryWrite(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
                message.SetLength(0);
            }
        }
        catch (Exception)
        {
            _closed.TrySetResult(null);
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
                await Closed.WaitAsync(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception) { }
        Socket.Dispose();
    }
}
