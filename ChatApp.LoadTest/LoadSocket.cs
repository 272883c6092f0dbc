using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text;

namespace ChatApp.LoadTest;

/// <summary>One client WebSocket: a receive loop that hands each complete frame to a callback.</summary>
public sealed class LoadSocket : IAsyncDisposable
{
    readonly ClientWebSocket _socket = new();
    readonly SemaphoreSlim _sendLock = new(1, 1);
    readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Action<LoadSocket, ReadOnlyMemory<byte>> _onFrame;

    LoadSocket(int index, Action<LoadSocket, ReadOnlyMemory<byte>> onFrame)
    {
        Index = index;
        _onFrame = onFrame;
    }

    public int Index { get; }
    public Task Closed => _closed.Task;

    /// <summary>Connects and returns once the server's hello frame has arrived.</summary>
    public static async Task<LoadSocket> ConnectAsync(SocketFactory factory, Uri wsUrl, string token, int index,
        Action<LoadSocket, ReadOnlyMemory<byte>> onFrame, CancellationToken ct)
    {
        var socket = new LoadSocket(index, onFrame);
        socket._socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket._socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket._socket.ConnectAsync(wsUrl, factory.Invoker, ct);
        }
        catch (Exception ex)
        {
            var status = socket._socket.HttpStatusCode;
            socket._socket.Dispose();
            throw new WebSocketException($"connect failed ({(int)status}): {ex.Message}", ex);
        }
        _ = socket.ReceiveLoopAsync();
        await socket._hello.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        return socket;
    }

    public async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try { await _socket.SendAsync(frame, WebSocketMessageType.Text, true, ct); }
        finally { _sendLock.Release(); }
    }

    async Task ReceiveLoopAsync()
    {
        var buffer = new byte[8192];
        var count = 0;
        try
        {
            while (true)
            {
                if (count == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }
                count += result.Count;
                if (!result.EndOfMessage) continue;
                var frame = buffer.AsMemory(0, count);
                if (!_hello.Task.IsCompleted && Frame.TypeIs(frame.Span, "hello"u8)) _hello.TrySetResult();
                else _onFrame(this, frame);
                count = 0;
            }
        }
        catch (Exception)
        {
            // closed or aborted: reported through Closed
        }
        finally
        {
            _hello.TrySetException(new WebSocketException("closed before hello"));
            _closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
                await _closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception) { }
        _socket.Dispose();
    }
}

/// <summary>Allocation-light reads of the server's frames: only the few fields the tool needs.</summary>
public static class Frame
{
    static ReadOnlySpan<byte> TypePrefix => "{\"type\":\""u8;

    public static bool TypeIs(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> type) =>
        frame.StartsWith(TypePrefix) && frame[TypePrefix.Length..].StartsWith(type) && frame.Length > TypePrefix.Length + type.Length
        && frame[TypePrefix.Length + type.Length] == (byte)'"';

    // "name": as UTF-8, built once per field name: these reads run for every frame the tool receives.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Keys = new();

    /// <summary>What follows <c>"name":</c> in the frame; empty when the field is absent.</summary>
    static ReadOnlySpan<byte> ValueOf(ReadOnlySpan<byte> frame, string name)
    {
        var key = Keys.GetOrAdd(name, static n => Encoding.UTF8.GetBytes($"\"{n}\":"));
        var at = frame.IndexOf(key);
        return at < 0 ? default : frame[(at + key.Length)..];
    }

    /// <summary>The first string field of that name (ids and clientMsgIds need no unescaping).</summary>
    public static string? String(ReadOnlySpan<byte> frame, string name)
    {
        var value = ValueOf(frame, name);
        if (value.IsEmpty || value[0] != (byte)'"') return null;
        var end = value[1..].IndexOf((byte)'"');
        return end < 0 ? null : Encoding.UTF8.GetString(value.Slice(1, end));
    }

    public static long? Number(ReadOnlySpan<byte> frame, string name) =>
        Utf8Parser.TryParse(ValueOf(frame, name), out long value, out _) ? value : null;

    public static bool Bool(ReadOnlySpan<byte> frame, string name) => ValueOf(frame, name).StartsWith("true"u8);

    public static byte[] Send(string clientMsgId, string conversationId, string body) =>
        Encoding.UTF8.GetBytes($$"""{"type":"send","clientMsgId":"{{clientMsgId}}","conversationId":"{{conversationId}}","body":"{{body}}"}""");

    public static byte[] Sync(long after, int limit) => Encoding.UTF8.GetBytes($$"""{"type":"sync","after":{{after}},"limit":{{limit}}}""");

    public static readonly byte[] Ping = """{"type":"ping"}"""u8.ToArray();
}
