using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Conversations;

/// <summary><c>GET /api/sync</c>: the caller's inbox (the message sync queue) over HTTP.</summary>
public sealed class SyncApiTests : ConversationTest
{
    async Task<List<string>> SendAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var sender = i % 2 == 0 ? Alice : Bob;
            var message = await (await Client.As(sender).PostAsJsonAsync($"/api/conversations/{Conversation}/messages",
                new { clientMsgId = $"s{i}", body = $"sync {i}" })).ReadJsonAsync(HttpStatusCode.Created);
            ids.Add(message.GetProperty("id").GetString()!);
        }
        return ids;
    }

    async Task<JsonElement> SyncAsync(Account account, string query = "") =>
        await (await Client.As(account).GetAsync($"/api/sync{query}")).ReadJsonAsync(HttpStatusCode.OK);

    static List<(long Seq, string Id)> Entries(JsonElement page) =>
        [.. page.GetProperty("messages").EnumerateArray().Select(e => (e.GetProperty("seq").GetInt64(), e.GetProperty("message").GetProperty("id").GetString()!))];

    [Fact]
    public async Task Every_member_sender_included_gets_seqs_1_to_N_in_send_order()
    {
        var sent = await SendAsync(5);

        foreach (var account in new[] { Alice, Bob })
        {
            var page = await SyncAsync(account);

            Assert.Equal(Enumerable.Range(1, 5).Select(i => ((long)i, sent[i - 1])), Entries(page));
            Assert.False(page.GetProperty("hasMore").GetBoolean());
            var first = page.GetProperty("messages")[0];
            Assert.Equal(JsonValueKind.Number, first.GetProperty("seq").ValueKind);
            Assert.Equal("sync 0", first.GetProperty("message").GetProperty("body").GetString());
            Assert.Equal(Alice.UserId, first.GetProperty("message").GetProperty("senderId").GetString());
            Assert.Equal(Conversation, first.GetProperty("message").GetProperty("conversationId").GetString());
        }
    }

    [Fact]
    public async Task Paging_with_a_limit_leaves_no_gap_and_no_repeat()
    {
        var sent = await SendAsync(7);

        var seen = new List<(long Seq, string Id)>();
        var hasMore = new List<bool>();
        long after = 0;
        while (hasMore.Count < 10)
        {
            var page = await SyncAsync(Bob, $"?after={after}&limit=3");
            var entries = Entries(page);
            seen.AddRange(entries);
            hasMore.Add(page.GetProperty("hasMore").GetBoolean());
            if (!hasMore[^1]) break;
            after = entries[^1].Seq;
        }

        Assert.Equal([true, true, false], hasMore);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => ((long)i, sent[i - 1])), seen);
    }

    [Fact]
    public async Task A_cursor_in_the_middle_returns_only_what_follows_it()
    {
        var sent = await SendAsync(4);

        var page = await SyncAsync(Alice, "?after=2");

        Assert.Equal([(3L, sent[2]), (4L, sent[3])], Entries(page));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(1000)]
    public async Task A_cursor_at_or_beyond_the_end_is_an_empty_page(long after)
    {
        await SendAsync(4);

        var page = await SyncAsync(Alice, $"?after={after}");

        Assert.Empty(page.GetProperty("messages").EnumerateArray());
        Assert.False(page.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task A_user_without_messages_has_an_empty_inbox()
    {
        await SendAsync(2);
        var carol = await Client.SignUpAsync();

        var page = await SyncAsync(carol);

        Assert.Empty(page.GetProperty("messages").EnumerateArray());
        Assert.False(page.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=1001")]
    [InlineData("?after=-1")]
    public async Task A_limit_outside_1_to_1000_or_a_negative_cursor_is_400(string query)
    {
        var response = await Client.As(Alice).GetAsync($"/api/sync{query}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("?limit=abc")]
    [InlineData("?after=abc")]
    public async Task A_non_numeric_limit_or_cursor_is_400(string query)
    {
        var response = await Client.As(Alice).GetAsync($"/api/sync{query}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Limits_of_1_and_1000_are_accepted()
    {
        var sent = await SendAsync(2);

        Assert.Equal([(1L, sent[0])], Entries(await SyncAsync(Bob, "?limit=1")));
        Assert.Equal(2, Entries(await SyncAsync(Bob, "?limit=1000")).Count);
    }
}
