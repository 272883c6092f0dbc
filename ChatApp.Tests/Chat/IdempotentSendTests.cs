using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class IdempotentSendTests : RestartableAppTest
{
    static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);


    [Fact]
    public async Task The_same_clientMsgId_twice_on_one_socket_is_stored_and_delivered_once()
    {
        var client = App.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        await using var aliceWs = await client.ConnectAsync(alice);
        await using var bobWs = await client.ConnectAsync(bob);

        // Back to back, so the two may share a batch; then once more after the first is surely stored.
        await aliceWs.SendMessageAsync(conversation, "only once", "dup");
        await aliceWs.SendMessageAsync(conversation, "only once", "dup");
        var first = await aliceWs.ExpectAsync("ack");
        AssertSameAck(first, await aliceWs.ExpectAsync("ack"));
        await aliceWs.SendMessageAsync(conversation, "a different body changes nothing", "dup");
        AssertSameAck(first, await aliceWs.ExpectAsync("ack"));

        Assert.Equal(1, (await bobWs.ExpectAsync("message")).GetProperty("seq").GetInt64());
        Assert.True(await bobWs.IsQuietAsync(Quiet), "the receiver gets the message exactly once");
        var stored = Assert.Single(await client.HistoryAsync(alice, conversation));
        Assert.Equal("only once", stored.GetProperty("body").GetString());
        Assert.Single(await client.InboxAsync(bob));

        // Retries took no seq: the next message is 2 in both inboxes.
        await aliceWs.SendMessageAsync(conversation, "next", "next");
        Assert.Equal(2, (await aliceWs.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        Assert.Equal(2, (await bobWs.ExpectAsync("message")).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_retry_after_reconnecting_and_after_an_app_restart_returns_the_original_ack()
    {
        var client = App.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        JsonElement original;
        await using (var bobWs = await client.ConnectAsync(bob))
        {
            await using (var aliceWs = await client.ConnectAsync(alice))
            {
                await aliceWs.SendMessageAsync(conversation, "survives", "retry-me");
                original = await aliceWs.ExpectAsync("ack");
            }
            Assert.Equal(1, (await bobWs.ExpectAsync("message")).GetProperty("seq").GetInt64());

            await using (var aliceAgain = await client.ConnectAsync(alice))
            {
                await aliceAgain.SendMessageAsync(conversation, "survives", "retry-me");
                AssertSameAck(original, await aliceAgain.ExpectAsync("ack"));
            }
            Assert.True(await bobWs.IsQuietAsync(Quiet), "a retry after reconnecting is not delivered again");
        }

        // Restart on the same database file; the tokens live there too.
        await App.DisposeAsync();
        App = new ChatAppFactory(Directory);
        client = App.NewClient();
        await using (var bobWs = await client.ConnectAsync(bob))
        await using (var aliceWs = await client.ConnectAsync(alice))
        {
            await aliceWs.SendMessageAsync(conversation, "survives", "retry-me");
            AssertSameAck(original, await aliceWs.ExpectAsync("ack"));
            Assert.True(await bobWs.IsQuietAsync(Quiet), "a retry after a restart is not delivered again");

            // The HTTP send is the same pipeline: 200 with the original message, not 201 with a new one.
            var http = await client.As(alice).PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { clientMsgId = "retry-me", body = "survives" });
            Assert.Equal(HttpStatusCode.OK, http.StatusCode);
            Assert.Equal(original.GetProperty("messageId").GetString(), (await http.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

            await aliceWs.SendMessageAsync(conversation, "fresh", "fresh");
            Assert.Equal(2, (await aliceWs.ExpectAsync("ack")).GetProperty("seq").GetInt64());
            Assert.Equal(2, (await bobWs.ExpectAsync("message")).GetProperty("seq").GetInt64());
        }
        Assert.Equal(["survives", "fresh"], (await client.HistoryAsync(bob, conversation)).Select(m => m.GetProperty("body").GetString()));
        Assert.Equal([1L, 2L], (await client.InboxAsync(bob)).Select(e => e.Seq));
    }

    static void AssertSameAck(JsonElement expected, JsonElement actual)
    {
        foreach (var field in new[] { "clientMsgId", "messageId", "conversationId", "sentAt" })
            Assert.Equal(expected.GetProperty(field).GetString(), actual.GetProperty(field).GetString());
        Assert.Equal(expected.GetProperty("seq").GetInt64(), actual.GetProperty("seq").GetInt64());
    }
}
