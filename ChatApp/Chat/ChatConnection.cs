using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using ChatApp.Operations;
using ChatApp.Storage;

namespace ChatApp.Chat;

/// <summary>
/// One client socket. A receive loop parses frames and queues sends; a write loop is the only caller of
/// <see cref="WebSocket.SendAsync(ArraySegment{byte}, WebSocketMessageType, bool, CancellationToken)"/>.
/// Live frames wait in a queue bounded by <see cref="ChatOptions.OutgoingQueueLimit"/>: a client that cannot keep
/// up is dropped rather than allowed to hold memory or slow anyone else, and catches up with sync.
/// </summary>
sealed class ChatConnection : ISendReplier
{
    enum Kind : byte { Bytes, Message, Sync, Close }

    /// <summary>A queued outgoing item; <c>Number</c> is a seq (Message), an "after" (Sync) or a close status (Close).</summary>
    readonly record struct Outgoing(Kind Kind, byte[]? Bytes, long Number, int Limit = 0, string? Text = null);

    readonly WebSocket _socket;
    readonly ChatRuntime _runtime;
    readonly Channel<Outgoing> _out = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    readonly TokenBucket _bucket;
    int _queued;

    public ChatConnection(long id, long userId, long deviceId, WebSocket socket, ChatRuntime runtime)
    {
        Id = id;
        UserId = userId;
        DeviceId = deviceId;
        _socket = socket;
        _runtime = runtime;
        _bucket = new TokenBucket(runtime.Options.FramesPerSecond, runtime.Options.FrameBurst, runtime.Time);
    }

    public long Id { get; }
    public long UserId { get; }
    public long DeviceId { get; }

    public async Task RunAsync(byte[] hello, CancellationToken aborted)
    {
        var writer = WriteLoopAsync();
        EnqueueLive(new Outgoing(Kind.Bytes, hello, 0));
        try
        {
            await ReceiveLoopAsync(aborted);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer vanished or the request was aborted: nothing to answer.
        }
        _out.Writer.TryComplete();
        // Give queued frames (and a close frame) a bounded time to leave, then cut the socket.
        if (await Task.WhenAny(writer, Task.Delay(_runtime.Options.CloseTimeout)) != writer) _socket.Abort();
        await writer;
    }

    /// <summary>Queues a live message frame. Never blocks; a full queue drops this connection.</summary>
    public void EnqueueMessage(byte[] messageJson, long seq) => EnqueueLive(new Outgoing(Kind.Message, messageJson, seq));

    /// <summary>Sends what is queued, then a close frame; the socket ends when the peer answers or the close times out.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        _out.Writer.TryWrite(new Outgoing(Kind.Close, null, (long)status, Text: reason));
        _out.Writer.TryComplete();
    }

    void ISendReplier.Complete(NewMessage request, AppendOutcome outcome)
    {
        var frame = outcome.Status switch
        {
            AppendStatus.Stored or AppendStatus.Duplicate => Frames.Ack(outcome),
            AppendStatus.ConversationNotFound => Frames.Error(ErrorCodes.ConversationNotFound, "No such conversation, or you are not a member.", request.ClientMsgId),
            _ => Frames.Error(ErrorCodes.StoreFailed, "The message could not be stored: send it again with the same clientMsgId.", request.ClientMsgId),
        };
        EnqueueLive(new Outgoing(Kind.Bytes, frame, 0));
    }

    void EnqueueLive(Outgoing item)
    {
        if (Interlocked.Increment(ref _queued) > _runtime.Options.OutgoingQueueLimit)
        {
            // Too slow: drop the connection instead of buffering without bound. Its device syncs on reconnect.
            if (_out.Writer.TryComplete())
            {
                _runtime.Logger.LogInformation("Connection {ConnectionId} of user {UserId} fell behind; closing it", Id, UserId);
                _socket.Abort();
            }
            return;
        }
        if (!_out.Writer.TryWrite(item)) Interlocked.Decrement(ref _queued);
    }

    void SendError(string code, string message, string? clientMsgId = null) =>
        EnqueueLive(new Outgoing(Kind.Bytes, Frames.Error(code, message, clientMsgId), 0));

    async Task ReceiveLoopAsync(CancellationToken aborted)
    {
        var max = _runtime.Options.MaxFrameBytes;
        while (_socket.State == WebSocketState.Open)
        {
            // Wait for the next frame without holding a buffer: idle connections cost no receive memory.
            var result = await _socket.ReceiveAsync(Memory<byte>.Empty, aborted);
            if (result.MessageType == WebSocketMessageType.Close) return;

            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            var count = 0;
            try
            {
                while (!result.EndOfMessage)
                {
                    if (count == buffer.Length)
                    {
                        if (count >= max)
                        {
                            Close(WebSocketCloseStatus.MessageTooBig, $"Frames are limited to {max} bytes.");
                            return;
                        }
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max));
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var room = Math.Min(buffer.Length, max) - count;
                    if (room == 0) room = buffer.Length - count; // only when max < rented size: read one more to see the overflow
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count, room), aborted);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    count += result.Count;
                    if (count > max)
                    {
                        Close(WebSocketCloseStatus.MessageTooBig, $"Frames are limited to {max} bytes.");
                        return;
                    }
                }
                if (!_bucket.TryTake())
                {
                    SendError(ErrorCodes.RateLimited, "Too many frames: slow down.");
                    continue;
                }
                if (result.MessageType != WebSocketMessageType.Text)
                {
                    SendError(ErrorCodes.InvalidFrame, "Frames must be text (JSON).");
                    continue;
                }
                var frame = ClientFrame.Parse(buffer.AsSpan(0, count));
                await HandleAsync(frame, aborted);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    async ValueTask HandleAsync(ClientFrame frame, CancellationToken aborted)
    {
        if (frame.ErrorCode is not null)
        {
            SendError(frame.ErrorCode, frame.ErrorMessage!, frame.ClientMsgId);
            return;
        }
        switch (frame.Type)
        {
            case ClientFrameType.Ping:
                EnqueueLive(new Outgoing(Kind.Bytes, Frames.Pong, 0));
                await _runtime.Presence.HeartbeatAsync(UserId, Id, aborted);
                break;
            case ClientFrameType.Sync:
                // Not counted against the live queue: a sync page is the client's own request, paced by it.
                _out.Writer.TryWrite(new Outgoing(Kind.Sync, null, frame.After!.Value, (int)(frame.Limit ?? SendRules.DefaultSyncLimit)));
                break;
            case ClientFrameType.Send:
                SendRules.TryParseId(frame.ConversationId, out var conversationId);
                var message = new NewMessage(_runtime.Ids.Next(), conversationId, UserId, frame.ClientMsgId!, frame.Body!);
                if (_runtime.Connections.Draining || !await _runtime.Writer.EnqueueAsync(new PendingSend(message, this, Id), aborted))
                    SendError(ErrorCodes.Unavailable, "The server is restarting: send again after reconnecting.", frame.ClientMsgId);
                break;
        }
    }

    async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var item in _out.Reader.ReadAllAsync())
            {
                switch (item.Kind)
                {
                    case Kind.Bytes:
                        Interlocked.Decrement(ref _queued);
                        await _socket.SendAsync(item.Bytes.AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None);
                        break;
                    case Kind.Message:
                        Interlocked.Decrement(ref _queued);
                        await SendMessageFrameAsync(item.Number, item.Bytes!);
                        break;
                    case Kind.Sync:
                        await SendSyncPageAsync(item.Number, item.Limit);
                        break;
                    case Kind.Close:
                        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                            await _socket.CloseOutputAsync((WebSocketCloseStatus)item.Number, item.Text, CancellationToken.None);
                        // A peer that never answers the close must not keep the receive loop (and the socket) alive.
                        _ = AbortUnlessClosedAsync(_runtime.Options.CloseTimeout);
                        return;
                }
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            _socket.Abort();
        }
        catch (Exception ex)
        {
            _runtime.Logger.LogError(ex, "Connection {ConnectionId} failed while sending", Id);
            _socket.Abort();
        }
    }

    async Task AbortUnlessClosedAsync(TimeSpan timeout)
    {
        await Task.Delay(timeout);
        if (_socket.State != WebSocketState.Closed) _socket.Abort();
    }

    async ValueTask SendMessageFrameAsync(long seq, byte[] messageJson)
    {
        var buffer = Frames.RentMessageFrame(seq, messageJson, out var length);
        try
        {
            await _socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    async ValueTask SendSyncPageAsync(long after, int limit)
    {
        var (items, hasMore) = await _runtime.Store.ReadInboxAsync(UserId, after, limit, CancellationToken.None);
        foreach (var item in items)
            await SendMessageFrameAsync(item.Seq, Frames.MessageJson(item.Message));
        var synced = new SyncedFrame(items.Count > 0 ? items[^1].Seq : after, hasMore);
        await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(synced, Frames.Json.SyncedFrame), WebSocketMessageType.Text, true, CancellationToken.None);
    }
}

/// <summary>The node-wide services every connection uses, gathered so a connection holds one reference.</summary>
sealed record ChatRuntime(
    Microsoft.Extensions.Options.IOptions<ChatOptions> OptionsAccessor, TimeProvider Time, IdGenerator Ids, MessageWriter Writer,
    IMessageStore Store, ConnectionManager Connections, Presence.IPresenceStore Presence, ILogger<ChatConnection> Logger)
{
    public ChatOptions Options => OptionsAccessor.Value;

    /// <summary>The socket cap: <see cref="ChatOptions.MaxConnections"/>, or derived from the open-file limit.</summary>
    public int MaxConnections { get; } = OptionsAccessor.Value.MaxConnections > 0
        ? OptionsAccessor.Value.MaxConnections
        : OpenFileLimit.Soft is { } files ? Math.Max(16, files - OpenFileLimit.SocketReserve) : int.MaxValue;
}

/// <summary>Frames allowed per connection: <c>rate</c> per second sustained, <c>burst</c> at once.</summary>
sealed class TokenBucket(double rate, int burst, TimeProvider time)
{
    double _tokens = burst;
    long _last = time.GetTimestamp();

    /// <summary>Called from the connection's receive loop only, so it needs no lock.</summary>
    public bool TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * rate);
        _last = now;
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }
}
