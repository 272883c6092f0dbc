using System.Text.Json;
using ChatApp.Operations;

namespace ChatApp.Chat;

public enum ClientFrameType { Send, Sync, Ping }

/// <summary>A parsed client frame, or the error to answer it with.</summary>
sealed class ClientFrame
{
    public ClientFrameType Type;
    public string? ClientMsgId, ConversationId, Body;
    public long? After;
    public long? Limit;
    public string? ErrorCode, ErrorMessage;

    /// <summary>
    /// Reads one frame with <see cref="Utf8JsonReader"/>: broken JSON is <c>invalid_json</c>, while a field of the
    /// wrong type is <c>invalid_frame</c>, a distinction a plain deserializer cannot draw. Unknown fields are ignored.
    /// </summary>
    public static ClientFrame Parse(ReadOnlySpan<byte> utf8)
    {
        var frame = new ClientFrame();
        string? type = null, wrongField = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                // Still reject broken JSON as such, e.g. "[1," or a bare word.
                reader.Skip();
                while (reader.Read()) { }
                return frame.Fail(ErrorCodes.InvalidFrame, "A frame must be a JSON object with a \"type\".");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueSpan;
                string? name = null;
                if (field.SequenceEqual("type"u8)) name = "type";
                else if (field.SequenceEqual("clientMsgId"u8)) name = "clientMsgId";
                else if (field.SequenceEqual("conversationId"u8)) name = "conversationId";
                else if (field.SequenceEqual("body"u8)) name = "body";
                else if (field.SequenceEqual("after"u8)) name = "after";
                else if (field.SequenceEqual("limit"u8)) name = "limit";
                reader.Read();
                switch (name)
                {
                    case "type" or "clientMsgId" or "conversationId" or "body":
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            var value = reader.GetString();
                            switch (name)
                            {
                                case "type": type = value; break;
                                case "clientMsgId": frame.ClientMsgId = value; break;
                                case "conversationId": frame.ConversationId = value; break;
                                default: frame.Body = value; break;
                            }
                        }
                        else if (reader.TokenType != JsonTokenType.Null) { wrongField ??= name; reader.Skip(); }
                        break;
                    case "after" or "limit":
                        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
                        {
                            if (name == "after") frame.After = number; else frame.Limit = number;
                        }
                        else if (reader.TokenType != JsonTokenType.Null) { wrongField ??= name; reader.Skip(); }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            // Anything after the object (a second value, garbage) makes this throw.
            while (reader.Read()) { }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // GetString throws InvalidOperationException, not JsonException, for a string that is not text:
            // invalid UTF-8, or a lone surrogate escape such as "\ud800" (which browsers' JSON.stringify emits).
            return frame.Fail(ErrorCodes.InvalidJson, "The frame is not valid JSON (UTF-8 text).");
        }

        if (wrongField is not null)
            return frame.Fail(ErrorCodes.InvalidFrame, $"\"{wrongField}\" has the wrong type.");
        switch (type)
        {
            case null: return frame.Fail(ErrorCodes.InvalidFrame, "\"type\" is required.");
            case "send": frame.Type = ClientFrameType.Send; return frame.CheckSend();
            case "sync": frame.Type = ClientFrameType.Sync; return frame.CheckSync();
            case "ping": frame.Type = ClientFrameType.Ping; return frame;
            default: return frame.Fail(ErrorCodes.UnknownType, $"Unknown frame type \"{Truncate(type)}\".");
        }
    }

    ClientFrame CheckSend()
    {
        if (SendRules.Check(ClientMsgId, ConversationId, Body) is { } error) return Fail(error.Code, error.Message);
        return this;
    }

    ClientFrame CheckSync()
    {
        if (After is null or < 0) return Fail(ErrorCodes.InvalidFrame, "\"after\" must be a seq: an integer >= 0.");
        if (Limit is not null and (< 1 or > SendRules.MaxSyncLimit))
            return Fail(ErrorCodes.InvalidFrame, $"\"limit\" must be 1 to {SendRules.MaxSyncLimit}.");
        return this;
    }

    ClientFrame Fail(string code, string message)
    {
        ErrorCode = code;
        ErrorMessage = message;
        return this;
    }

    static string Truncate(string s) => s.Length <= 32 ? s : s[..32] + "...";
}

/// <summary>What makes a send acceptable, shared by the WebSocket frame and the HTTP endpoint.</summary>
static class SendRules
{
    public const int MaxSyncLimit = 1000, DefaultSyncLimit = 500;

    public static (string Code, string Message)? Check(string? clientMsgId, string? conversationId, string? body)
    {
        if (string.IsNullOrEmpty(clientMsgId) || clientMsgId.Length > ChatOptions.MaxClientMsgIdLength)
            return (ErrorCodes.InvalidFrame, $"\"clientMsgId\" must be 1 to {ChatOptions.MaxClientMsgIdLength} characters.");
        if (string.IsNullOrEmpty(conversationId))
            return (ErrorCodes.InvalidFrame, "\"conversationId\" is required.");
        if (!TryParseId(conversationId, out _))
            return (ErrorCodes.ConversationNotFound, "No such conversation, or you are not a member.");
        if (string.IsNullOrEmpty(body))
            return (ErrorCodes.InvalidFrame, "\"body\" must not be empty.");
        if (body.Length > ChatOptions.MaxBodyLength)
            return (ErrorCodes.BodyTooLong, $"\"body\" is longer than {ChatOptions.MaxBodyLength} characters.");
        return null;
    }

    public static bool TryParseId(string? s, out long id) => long.TryParse(s, System.Globalization.NumberStyles.None, null, out id) && id > 0;
}
