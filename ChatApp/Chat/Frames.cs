using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatApp.Storage;

namespace ChatApp.Chat;

/// <summary>A message on the wire (HTTP and WebSocket). Ids are strings: 64-bit values do not fit a JavaScript number.</summary>
public sealed record MessageDto(string Id, string ConversationId, string SenderId, string ClientMsgId, string Body, DateTime SentAt);

public sealed record HelloFrame(string DeviceId, string ServerId, long HeartbeatIntervalMs, long TimeoutMs)
{
    [JsonPropertyOrder(-1)] public string Type => "hello";
}

public sealed record AckFrame(string ClientMsgId, string MessageId, string ConversationId, long Seq, DateTime SentAt)
{
    [JsonPropertyOrder(-1)] public string Type => "ack";
}

public sealed record SyncedFrame(long Seq, bool HasMore)
{
    [JsonPropertyOrder(-1)] public string Type => "synced";
}

public sealed record ErrorFrame(string Code, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientMsgId)
{
    [JsonPropertyOrder(-1)] public string Type => "error";
}

public sealed record InboxItemDto(long Seq, MessageDto Message);
public sealed record SyncResponse(InboxItemDto[] Messages, bool HasMore);
public sealed record MessagePageDto(MessageDto[] Messages, bool HasMore);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MessageDto))]
[JsonSerializable(typeof(HelloFrame))]
[JsonSerializable(typeof(AckFrame))]
[JsonSerializable(typeof(SyncedFrame))]
[JsonSerializable(typeof(ErrorFrame))]
[JsonSerializable(typeof(SyncResponse))]
[JsonSerializable(typeof(MessagePageDto))]
partial class ChatJsonContext : JsonSerializerContext;

static class Frames
{
    // Message bodies are mostly text in any script: escape only what JSON requires, not every non-ASCII character.
    public static readonly ChatJsonContext Json = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static readonly byte[] Pong = """{"type":"pong"}"""u8.ToArray();
    static ReadOnlySpan<byte> MessagePrefix => """{"type":"message","seq":"""u8;
    static ReadOnlySpan<byte> MessageMiddle => ""","message":"""u8;

    public static MessageDto ToDto(this StoredMessage m) =>
        new(m.Id.ToString(), m.ConversationId.ToString(), m.SenderId.ToString(), m.ClientMsgId, m.Body, m.SentAt.UtcDateTime);

    public static byte[] MessageJson(StoredMessage m) => JsonSerializer.SerializeToUtf8Bytes(m.ToDto(), Json.MessageDto);

    public static byte[] Error(string code, string message, string? clientMsgId = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new ErrorFrame(code, message, clientMsgId), Json.ErrorFrame);

    public static byte[] Ack(AppendOutcome outcome)
    {
        var m = outcome.Message!;
        return JsonSerializer.SerializeToUtf8Bytes(
            new AckFrame(m.ClientMsgId, m.Id.ToString(), m.ConversationId.ToString(), outcome.SenderSeq, m.SentAt.UtcDateTime), Json.AckFrame);
    }

    /// <summary>
    /// Writes <c>{"type":"message","seq":N,"message":...}</c> into a pooled buffer: the message JSON is shared by
    /// every recipient, only the seq differs. The caller returns the buffer to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    public static byte[] RentMessageFrame(long seq, byte[] messageJson, out int length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MessagePrefix.Length + 20 + MessageMiddle.Length + messageJson.Length + 1);
        var span = buffer.AsSpan();
        MessagePrefix.CopyTo(span);
        var pos = MessagePrefix.Length;
        Utf8Formatter.TryFormat(seq, span[pos..], out var written);
        pos += written;
        MessageMiddle.CopyTo(span[pos..]);
        pos += MessageMiddle.Length;
        messageJson.CopyTo(span[pos..]);
        pos += messageJson.Length;
        span[pos++] = (byte)'}';
        length = pos;
        return buffer;
    }
}
