using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Conversations;

/// <summary><c>POST /api/conversations/{id}/messages</c>: the WebSocket send pipeline over HTTP, for bots and scripts.</summary>
public sealed class HttpSendTests : ConversationTest
{
    Task<HttpResponseMessage> SendAsync(object body, Account? sender = null, string? conversation = null) =>
        Client.As(sender ?? Alice).PostAsJsonAsync($"/api/conversations/{conversation ?? Conversation}/messages", body);

    async Task<List<JsonElement>> HistoryAsync() =>
        [.. (await (await Client.As(Bob).GetAsync($"/api/conversations/{Conversation}/messages?limit=100")).ReadJsonAsync(HttpStatusCode.OK))
            .GetProperty("messages").EnumerateArray()];

    [Fact]
    public async Task A_send_answers_201_with_the_stored_message()
    {
        var before = DateTimeOffset.UtcNow;

        var response = await SendAsync(new { clientMsgId = "c1", body = "hello bob" });

        var message = await response.ReadJsonAsync(HttpStatusCode.Created);
        foreach (var field in new[] { "id", "conversationId", "senderId" })
            Assert.Equal(JsonValueKind.String, message.GetProperty(field).ValueKind);
        Assert.True(long.TryParse(message.GetProperty("id").GetString(), out _));
        Assert.Equal(Conversation, message.GetProperty("conversationId").GetString());
        Assert.Equal(Alice.UserId, message.GetProperty("senderId").GetString());
        Assert.Equal("c1", message.GetProperty("clientMsgId").GetString());
        Assert.Equal("hello bob", message.GetProperty("body").GetString());
        var sentAtText = message.GetProperty("sentAt").GetString()!;
        Assert.EndsWith("Z", sentAtText);
        var sentAt = DateTimeOffset.Parse(sentAtText, CultureInfo.InvariantCulture);
        Assert.InRange(sentAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        var stored = Assert.Single(await HistoryAsync());
        Assert.Equal(message.GetRawText(), stored.GetRawText());
    }

    [Fact]
    public async Task An_http_send_reaches_the_receiver_and_the_senders_sockets_live()
    {
        await using var bobWs = await Client.ConnectAsync(Bob);
        await using var aliceWs = await Client.ConnectAsync(Alice);

        var message = await (await SendAsync(new { clientMsgId = "live", body = "over http" })).ReadJsonAsync(HttpStatusCode.Created);

        foreach (var (ws, seq) in new[] { (bobWs, 1), (aliceWs, 1) })
        {
            var frame = await ws.ExpectAsync("message");
            Assert.Equal(seq, frame.GetProperty("seq").GetInt64());
            Assert.Equal(message.GetProperty("id").GetString(), frame.GetProperty("message").GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task Repeating_a_client_msg_id_answers_200_with_the_original_and_stores_nothing_new()
    {
        var first = await (await SendAsync(new { clientMsgId = "retry", body = "once" })).ReadJsonAsync(HttpStatusCode.Created);

        var again = await (await SendAsync(new { clientMsgId = "retry", body = "once" })).ReadJsonAsync(HttpStatusCode.OK);
        var changed = await (await SendAsync(new { clientMsgId = "retry", body = "a different body" })).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(first.GetRawText(), changed.GetRawText());
        Assert.Single(await HistoryAsync());
        var sync = await (await Client.As(Bob).GetAsync("/api/sync")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Single(sync.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task The_same_client_msg_id_from_another_sender_is_a_new_message()
    {
        var fromAlice = await (await SendAsync(new { clientMsgId = "same", body = "a" })).ReadJsonAsync(HttpStatusCode.Created);

        var fromBob = await (await SendAsync(new { clientMsgId = "same", body = "b" }, Bob)).ReadJsonAsync(HttpStatusCode.Created);

        Assert.NotEqual(fromAlice.GetProperty("id").GetString(), fromBob.GetProperty("id").GetString());
        Assert.Equal(2, (await HistoryAsync()).Count);
    }

    [Fact]
    public async Task A_body_of_100000_characters_is_accepted_and_one_more_is_400_body_too_long()
    {
        var longest = string.Concat(Enumerable.Repeat("é\"\\<", 25_000)); // 100,000 UTF-16 code units, JSON-escaped on the way

        var accepted = await (await SendAsync(new { clientMsgId = "max", body = longest })).ReadJsonAsync(HttpStatusCode.Created);
        var refused = await SendAsync(new { clientMsgId = "over", body = longest + "x" });

        Assert.Equal(longest, accepted.GetProperty("body").GetString());
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "body_too_long");
        var stored = Assert.Single(await HistoryAsync());
        Assert.Equal(longest, stored.GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("""{"body":"no id"}""", "clientMsgId")]
    [InlineData("""{"clientMsgId":"","body":"empty id"}""", "clientMsgId")]
    [InlineData("""{"clientMsgId":"x","body":""}""", "body")]
    [InlineData("""{"clientMsgId":"x"}""", "body")]
    [InlineData("""{"clientMsgId":"0123456789012345678901234567890123456789012345678901234567890123X","body":"id too long"}""", "clientMsgId")]
    public async Task A_missing_or_empty_field_is_400_naming_it_and_stores_nothing(string json, string field)
    {
        var response = await Client.As(Alice).PostAsync($"/api/conversations/{Conversation}/messages",
            new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_frame");
        Assert.Contains(field, problem.GetProperty("detail").GetString());
        Assert.Empty(await HistoryAsync());
    }

    [Fact]
    public async Task Malformed_json_is_400_invalid_json()
    {
        var response = await Client.As(Alice).PostAsync($"/api/conversations/{Conversation}/messages",
            new StringContent("""{"clientMsgId":"x","body":""", Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task A_non_member_an_unknown_and_a_garbage_conversation_are_404_and_store_nothing()
    {
        var eve = await Client.SignUpAsync();
        var body = new { clientMsgId = "intrude", body = "let me in" };

        var notMember = await (await SendAsync(body, eve)).AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");
        var unknown = await (await SendAsync(body, eve, (long.Parse(Conversation) + 1).ToString()))
            .AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");
        var garbage = await (await SendAsync(body, eve, "garbage")).AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");

        Assert.Equal(notMember.WithoutTraceId(), unknown.WithoutTraceId());
        Assert.Equal(notMember.WithoutTraceId(), garbage.WithoutTraceId());
        Assert.Empty(await HistoryAsync());
        // The refused clientMsgId was not used up: eve can still send it in her own conversation.
        var own = await Client.DirectAsync(eve, Bob);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(body, eve, own)).StatusCode);
    }
}
