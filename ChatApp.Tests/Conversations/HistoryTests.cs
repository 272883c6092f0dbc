using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Conversations;

public sealed class HistoryTests : ConversationTest
{
    async Task<List<string>> SendAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var sender = i % 3 == 0 ? Bob : Alice;
            var message = await (await Client.As(sender).PostAsJsonAsync($"/api/conversations/{Conversation}/messages",
                new { clientMsgId = $"h{i}", body = $"message {i}" })).ReadJsonAsync(HttpStatusCode.Created);
            ids.Add(message.GetProperty("id").GetString()!);
        }
        return ids;
    }

    async Task<JsonElement> PageAsync(string query, Account? reader = null) =>
        await (await Client.As(reader ?? Alice).GetAsync($"/api/conversations/{Conversation}/messages{query}")).ReadJsonAsync(HttpStatusCode.OK);

    static List<string> Ids(JsonElement page) => [.. page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];

    [Fact]
    public async Task Paging_backwards_sees_every_message_once_in_ascending_pages()
    {
        var sent = await SendAsync(25);

        var pages = new List<JsonElement>();
        string? before = null;
        do
        {
            var page = await PageAsync($"?limit=10{(before is null ? "" : $"&before={before}")}", Bob);
            pages.Add(page);
            before = Ids(page).FirstOrDefault();
        } while (pages[^1].GetProperty("hasMore").GetBoolean() && pages.Count < 10);

        Assert.Equal([true, true, false], pages.Select(p => p.GetProperty("hasMore").GetBoolean()));
        Assert.Equal([10, 10, 5], pages.Select(p => Ids(p).Count));
        foreach (var page in pages)
        {
            var ids = Ids(page).Select(long.Parse).ToList();
            Assert.Equal(ids.Order(), ids); // each page ascending by id
        }
        // Newest page first; put together oldest first, they are exactly what was sent: no gap, no overlap.
        var all = pages.AsEnumerable().Reverse().SelectMany(Ids).ToList();
        Assert.Equal(sent, all);
        var bodies = pages.AsEnumerable().Reverse().SelectMany(p => p.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"message {i}"), bodies);
    }

    [Fact]
    public async Task Without_a_limit_a_page_holds_the_newest_fifty()
    {
        var sent = await SendAsync(55);

        var page = await PageAsync("");

        Assert.Equal(sent[5..], Ids(page));
        Assert.True(page.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task An_empty_conversation_has_an_empty_page()
    {
        var page = await PageAsync("?limit=100");

        Assert.Empty(page.GetProperty("messages").EnumerateArray());
        Assert.False(page.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=101")]
    [InlineData("?limit=-1")]
    [InlineData("?before=garbage")]
    public async Task A_limit_outside_1_to_100_or_a_bad_cursor_is_400(string query)
    {
        var response = await Client.As(Alice).GetAsync($"/api/conversations/{Conversation}/messages{query}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(100, 3, false)]
    public async Task A_limit_at_the_edges_is_accepted(int limit, int expected, bool hasMore)
    {
        var sent = await SendAsync(3);

        var page = await PageAsync($"?limit={limit}");

        Assert.Equal(sent[^expected..], Ids(page));
        Assert.Equal(hasMore, page.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task A_non_member_cannot_read_the_history()
    {
        await SendAsync(1);
        var eve = await Client.SignUpAsync();

        var response = await Client.As(eve).GetAsync($"/api/conversations/{Conversation}/messages");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");
    }
}
