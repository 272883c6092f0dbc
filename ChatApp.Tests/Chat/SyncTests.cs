using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class SyncTests : RestartableAppTest
{
    [Fact]
    public async Task A_device_that_was_offline_syncs_every_missed_message_in_pages()
    {
        var client = App.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        var acks = await SendAsync(client, alice, conversation, "m", 30);

        await using var bobWs = await client.ConnectAsync(bob);
        var received = new List<JsonElement>();
        long cursor = 0;
        var pages = new List<(long Seq, bool HasMore)>();
        while (true)
        {
            var page = await bobWs.SyncAsync(cursor, limit: 10);
            received.AddRange(page.Messages);
            pages.Add((page.Seq, page.HasMore));
            cursor = page.Seq;
            if (!page.HasMore) break;
        }

        Assert.Equal([(10L, true), (20L, true), (30L, false)], pages);
        AssertExactly(acks, received, firstSeq: 1);
    }

    [Fact]
    public async Task Sync_past_the_end_answers_synced_with_the_same_seq_and_no_more()
    {
        var client = App.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        var acks = await SendAsync(client, alice, conversation, "m", 3);
        await using var bobWs = await client.ConnectAsync(bob);

        var all = await bobWs.SyncAsync(0); // default limit: everything there is
        AssertExactly(acks, all.Messages, firstSeq: 1);
        Assert.Equal((3L, false), (all.Seq, all.HasMore));

        foreach (var after in new long[] { 3, 4, 1000 })
        {
            var page = await bobWs.SyncAsync(after, limit: 10);
            Assert.Empty(page.Messages);
            Assert.Equal((after, false), (page.Seq, page.HasMore));
        }

        // An empty inbox answers the same way.
        var carol = await client.SignUpAsync();
        await using var carolWs = await client.ConnectAsync(carol);
        var empty = await carolWs.SyncAsync(0);
        Assert.Equal((0, 0L, false), (empty.Messages.Count, empty.Seq, empty.HasMore));
    }

    [Fact]
    public async Task A_device_syncs_what_it_missed_across_an_app_restart_on_the_same_database_file()
    {
        var client = App.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);

        // Bob's device is online for the first 10 and applies them live.
        List<JsonElement> acks;
        long cursor;
        await using (var bobWs = await client.ConnectAsync(bob))
        {
            acks = await SendAsync(client, alice, conversation, "m", 10);
            var live = await bobWs.ExpectManyAsync("message", 10);
            AssertExactly(acks, live, firstSeq: 1);
            cursor = live[^1].GetProperty("seq").GetInt64();
        }
        acks.AddRange(await SendAsync(client, alice, conversation, "m", 20, firstIndex: 10));

        await App.DisposeAsync();
        App = new ChatAppFactory(Directory);
        client = App.NewClient();

        await using var bobAgain = await client.ConnectAsync(bob);
        var missed = new List<JsonElement>();
        while (true)
        {
            var page = await bobAgain.SyncAsync(cursor, limit: 10);
            missed.AddRange(page.Messages);
            cursor = page.Seq;
            if (!page.HasMore) break;
        }
        Assert.Equal(30, cursor);
        AssertExactly(acks[10..], missed, firstSeq: 11);

        // The seq counters survived the restart too: the next message is 31 in bob's inbox.
        await SendAsync(client, alice, conversation, "after restart", 1);
        Assert.Equal(31, (await bobAgain.ExpectAsync("message")).GetProperty("seq").GetInt64());
    }

    /// <summary>Sends <paramref name="count"/> messages from a socket of <paramref name="sender"/>, each acked before the next.</summary>
    static async Task<List<JsonElement>> SendAsync(TestClient client, Account sender, string conversation, string prefix, int count, int firstIndex = 0)
    {
        await using var ws = await client.ConnectAsync(sender);
        var acks = new List<JsonElement>(count);
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            await ws.SendMessageAsync(conversation, $"{prefix}{i}", $"{prefix}{i}");
            acks.Add(await ws.ExpectAsync("ack"));
        }
        return acks;
    }

    /// <summary>The frames carry exactly the acked messages, in order, with seqs rising by one from <paramref name="firstSeq"/>.</summary>
    static void AssertExactly(List<JsonElement> acks, List<JsonElement> frames, long firstSeq)
    {
        Assert.Equal(acks.Select(a => a.GetProperty("messageId").GetString()), frames.Select(f => f.GetProperty("message").GetProperty("id").GetString()));
        Assert.Equal(acks.Select(a => a.GetProperty("clientMsgId").GetString()), frames.Select(f => f.GetProperty("message").GetProperty("body").GetString()));
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => firstSeq + i), frames.Select(f => f.GetProperty("seq").GetInt64()));
    }
}
