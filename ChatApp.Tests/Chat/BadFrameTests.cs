using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

/// <summary>
/// Every bad frame is answered with an error frame and the socket keeps working. The cases only read the app's
/// state, so they share one app (sign-up hashes passwords slowly); each case gets a socket of its own.
/// </summary>
public sealed class BadFrameTests(BadFrameTests.App app) : IClassFixture<BadFrameTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public ChatAppFactory Factory { get; } = new();
        public TestClient Client { get; private set; } = null!;
        public Account Alice { get; private set; } = null!;
        public Account Bob { get; private set; } = null!;
        public string Conversation { get; private set; } = null!;
        /// <summary>A real conversation alice is not a member of.</summary>
        public string OthersConversation { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Client = Factory.NewClient();
            Alice = await Client.SignUpAsync();
            Bob = await Client.SignUpAsync();
            Conversation = await Client.DirectAsync(Alice, Bob);
            OthersConversation = await Client.DirectAsync(await Client.SignUpAsync(), Bob);
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    static readonly string LongClientMsgId = new('k', 65);

    /// <summary>
    /// A raw frame, the code, and the clientMsgId the error must echo. Placeholders: {conv} is alice's conversation,
    /// {others} one she is not in, {100001 x} a body one character too long (kept out of the test's display name).
    /// </summary>
    public static TheoryData<string, string, string?> Cases => new()
    {
        // Not JSON at all.
        { """{"type":"send",""", "invalid_json", null },
        { """{"type":"send","clientMsgId":"c1","conversationId":""", "invalid_json", "c1" },
        { "hello", "invalid_json", null },
        { "", "invalid_json", null },
        { "   ", "invalid_json", null },
        { """{'type':'ping'}""", "invalid_json", null },
        { """{"type":"ping"} {"type":"ping"}""", "invalid_json", null },
        { """{"type":"ping"}x""", "invalid_json", null },
        { """[1,""", "invalid_json", null },
        // JSON, but no frame type this server knows.
        { """{"type":"dance"}""", "unknown_type", null },
        { """{"type":""}""", "unknown_type", null },
        { """{"type":"SEND"}""", "unknown_type", null },
        { """{"type":"hello"}""", "unknown_type", null },
        // Not an object, or no string type.
        { "[1,2]", "invalid_frame", null },
        { "42", "invalid_frame", null },
        { "\"send\"", "invalid_frame", null },
        { "null", "invalid_frame", null },
        { "{}", "invalid_frame", null },
        { """{"type":5}""", "invalid_frame", null },
        { """{"type":null}""", "invalid_frame", null },
        { """{"type":["send"]}""", "invalid_frame", null },
        // A send with a field missing, empty or of the wrong type.
        { """{"type":"send","clientMsgId":"c1","conversationId":123,"body":"hi"}""", "invalid_frame", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"{conv}","body":{"text":"hi"}}""", "invalid_frame", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"{conv}","body":7}""", "invalid_frame", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"{conv}","body":""}""", "invalid_frame", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"{conv}","body":null}""", "invalid_frame", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"{conv}"}""", "invalid_frame", "c1" },
        { """{"type":"send","clientMsgId":"c1","body":"hi"}""", "invalid_frame", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"","body":"hi"}""", "invalid_frame", "c1" },
        { """{"type":"send","conversationId":"{conv}","body":"hi"}""", "invalid_frame", null },
        { """{"type":"send","clientMsgId":42,"conversationId":"{conv}","body":"hi"}""", "invalid_frame", null },
        { """{"type":"send","clientMsgId":"","conversationId":"{conv}","body":"hi"}""", "invalid_frame", "" },
        { $$"""{"type":"send","clientMsgId":"{{LongClientMsgId}}","conversationId":"{conv}","body":"hi"}""", "invalid_frame", LongClientMsgId },
        // A sync with a missing or out-of-range field.
        { """{"type":"sync"}""", "invalid_frame", null },
        { """{"type":"sync","limit":10}""", "invalid_frame", null },
        { """{"type":"sync","after":-1}""", "invalid_frame", null },
        { """{"type":"sync","after":"0"}""", "invalid_frame", null },
        { """{"type":"sync","after":1.5}""", "invalid_frame", null },
        { """{"type":"sync","after":0,"limit":0}""", "invalid_frame", null },
        { """{"type":"sync","after":0,"limit":1001}""", "invalid_frame", null },
        { """{"type":"sync","after":0,"limit":"10"}""", "invalid_frame", null },
        // Too long: 100,001 UTF-16 code units.
        { """{"type":"send","clientMsgId":"c1","conversationId":"{conv}","body":"{100001 x}"}""", "body_too_long", "c1" },
        // No such conversation, or not a member: one code, so existence does not leak.
        { """{"type":"send","clientMsgId":"c1","conversationId":"999999999999","body":"hi"}""", "conversation_not_found", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"abc","body":"hi"}""", "conversation_not_found", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"0","body":"hi"}""", "conversation_not_found", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"-1","body":"hi"}""", "conversation_not_found", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"99999999999999999999999","body":"hi"}""", "conversation_not_found", "c1" },
        { """{"type":"send","clientMsgId":"c1","conversationId":"{others}","body":"hi"}""", "conversation_not_found", "c1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_frame_is_answered_with_its_error_code_and_the_socket_keeps_working(string frame, string code, string? clientMsgId)
    {
        await using var ws = await app.Client.ConnectAsync(app.Alice);

        await ws.SendRawAsync(frame.Replace("{conv}", app.Conversation).Replace("{others}", app.OthersConversation)
            .Replace("{100001 x}", new string('x', 100_001)));

        AssertError(await ws.ExpectAsync("error"), code, clientMsgId);
        await AssertStillWorksAsync(ws);
    }

    [Fact]
    public async Task A_binary_frame_is_invalid_even_when_it_holds_a_valid_send()
    {
        await using var ws = await app.Client.ConnectAsync(app.Alice);
        var send = JsonSerializer.SerializeToUtf8Bytes(new { type = "send", clientMsgId = Guid.NewGuid().ToString("N"), conversationId = app.Conversation, body = "binary" });

        await ws.SendBytesAsync(send, WebSocketMessageType.Binary);

        AssertError(await ws.ExpectAsync("error"), "invalid_frame", null);
        await AssertStillWorksAsync(ws);
        Assert.DoesNotContain(await app.Client.HistoryAsync(app.Alice, app.Conversation), m => m.GetProperty("body").GetString() == "binary");
    }

    [Fact]
    public async Task A_text_frame_that_is_not_UTF8_is_invalid_json()
    {
        await using var ws = await app.Client.ConnectAsync(app.Alice);
        var bytes = Encoding.UTF8.GetBytes($$"""{"type":"send","clientMsgId":"c1","conversationId":"{{app.Conversation}}","body":"ab"}""");
        bytes[^4] = 0xFF; // the "a" of the body

        await ws.SendBytesAsync(bytes, WebSocketMessageType.Text);

        AssertError(await ws.ExpectAsync("error"), "invalid_json", "c1"); // read before the bad byte
        await AssertStillWorksAsync(ws);
    }

    [Fact]
    public async Task A_string_with_a_lone_surrogate_escape_is_invalid_json()
    {
        await using var ws = await app.Client.ConnectAsync(app.Alice);

        // Well-formed JSON syntax, but "\ud800" alone is no text: it cannot be stored or sent on as UTF-8.
        await ws.SendRawAsync($$"""{"type":"send","clientMsgId":"c1","conversationId":"{{app.Conversation}}","body":"a\ud800b"}""");

        AssertError(await ws.ExpectAsync("error"), "invalid_json", "c1");
        await AssertStillWorksAsync(ws);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("\u0001")] // escaped as \u0001: six bytes a character, ~600 KB a frame, still under the 1 MiB default
    [InlineData("\U0001F600")] // two UTF-16 code units a character: 50,000 of them reach the limit
    public async Task A_body_of_exactly_100000_UTF16_code_units_is_accepted_and_delivered_intact(string unit)
    {
        var body = string.Concat(Enumerable.Repeat(unit, 100_000 / unit.Length));
        Assert.Equal(100_000, body.Length);
        await using var aliceWs = await app.Client.ConnectAsync(app.Alice);
        await using var bobWs = await app.Client.ConnectAsync(app.Bob);

        // The app is shared by the cases: a repeated clientMsgId would be an (acked, undelivered) retry.
        var clientMsgId = Guid.NewGuid().ToString("N");

        await aliceWs.SendMessageAsync(app.Conversation, body, clientMsgId);

        Assert.Equal(clientMsgId, (await aliceWs.ExpectAsync("ack")).GetProperty("clientMsgId").GetString());
        Assert.Equal(body, (await bobWs.ExpectAsync("message")).GetProperty("message").GetProperty("body").GetString());

        // One more code unit is too long.
        await aliceWs.SendMessageAsync(app.Conversation, body + "y", "over");
        AssertError(await aliceWs.ExpectAsync("error"), "body_too_long", "over");
    }

    [Fact]
    public async Task Unknown_garbage_and_foreign_conversations_get_the_same_answer()
    {
        await using var ws = await app.Client.ConnectAsync(app.Alice);
        var answers = new List<string>();
        foreach (var conversation in new[] { "999999999999", "abc", app.OthersConversation })
        {
            await ws.SendMessageAsync(conversation, "hi", "same");
            answers.Add((await ws.ExpectAsync("error")).GetRawText());
        }
        Assert.Single(answers.Distinct());
        Assert.DoesNotContain(await app.Client.HistoryAsync(app.Bob, app.OthersConversation), m => m.GetProperty("senderId").GetString() == app.Alice.UserId);
    }

    static void AssertError(JsonElement error, string code, string? clientMsgId)
    {
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), $"a human message: {error}");
        if (clientMsgId is null) Assert.False(error.TryGetProperty("clientMsgId", out _), $"no clientMsgId was given: {error}");
        else Assert.Equal(clientMsgId, error.GetProperty("clientMsgId").GetString());
    }

    /// <summary>The socket is open and a valid send on it is acked next, with nothing in between.</summary>
    async Task AssertStillWorksAsync(WsClient ws)
    {
        Assert.Equal(WebSocketState.Open, ws.Socket.State);
        var clientMsgId = Guid.NewGuid().ToString("N");
        await ws.SendMessageAsync(app.Conversation, "still here", clientMsgId);
        Assert.Equal(clientMsgId, (await ws.ExpectAsync("ack")).GetProperty("clientMsgId").GetString());
    }
}
