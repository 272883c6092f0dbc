using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class ConcurrencyTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// 20 users in a ring, each writing 50 messages to the next one while the previous one writes to it, all at once.
    /// Each user has a sending socket and a second device that only listens.
    /// </summary>
    [Fact]
    public async Task Twenty_users_sending_fifty_messages_at_once_leave_every_inbox_gapless_and_lose_nothing()
    {
        const int Users = 20, PerUser = 50, InboxSize = 2 * PerUser;
        var client = _app.NewClient();
        var accounts = await Task.WhenAll(Enumerable.Range(0, Users).Select(_ => client.SignUpAsync(deviceName: "phone")));
        var listeners = await Task.WhenAll(accounts.Select(a => client.LoginAsync(a.Username, "laptop")));
        var conversations = await Task.WhenAll(Enumerable.Range(0, Users).Select(i => client.DirectAsync(accounts[i], accounts[(i + 1) % Users])));
        var senders = await Task.WhenAll(accounts.Select(a => client.ConnectAsync(a)));
        var listenerSockets = await Task.WhenAll(listeners.Select(l => client.ConnectAsync(l)));
        try
        {
            // Every user sends and reads at once: 50 frames out, then 100 frames in (50 acks and 50 messages).
            var senderFrames = await Task.WhenAll(Enumerable.Range(0, Users).Select(async i =>
            {
                for (var n = 0; n < PerUser; n++) await senders[i].SendMessageAsync(conversations[i], $"{i}:{n}", $"{i}-{n}");
                var frames = new List<JsonElement>();
                for (var n = 0; n < InboxSize; n++) frames.Add(await senders[i].NextAsync());
                return frames;
            }));
            var listenerFrames = await Task.WhenAll(listenerSockets.Select(ws => ws.ExpectManyAsync("message", InboxSize)));

            for (var i = 0; i < Users; i++)
            {
                var previous = (i + Users - 1) % Users;
                var acks = senderFrames[i].Where(f => f.GetProperty("type").GetString() == "ack").ToList();
                var messages = senderFrames[i].Where(f => f.GetProperty("type").GetString() == "message").ToList();

                // Every send acked, in the order sent.
                Assert.Equal(Enumerable.Range(0, PerUser).Select(n => $"{i}-{n}"), acks.Select(a => a.GetProperty("clientMsgId").GetString()));
                // Every message from the previous user arrived, in the order it was sent, in ascending seq.
                Assert.Equal(Enumerable.Range(0, PerUser).Select(n => $"{previous}:{n}"), Bodies(messages));
                AssertAscending(messages.Select(m => m.GetProperty("seq").GetInt64()));
                // The ack seqs and the message seqs share one inbox: together they are 1..100, each once.
                Assert.Equal(Inbox(InboxSize), acks.Concat(messages).Select(f => f.GetProperty("seq").GetInt64()).Order());

                // The listening device got all 100 live, in seq order with no gap: its own user's and the neighbour's.
                Assert.Equal(Inbox(InboxSize), listenerFrames[i].Select(m => m.GetProperty("seq").GetInt64()));
                Assert.Equal(Enumerable.Range(0, PerUser).Select(n => $"{i}:{n}"), Bodies(listenerFrames[i]).Where(b => b.StartsWith($"{i}:")));
                Assert.Equal(Enumerable.Range(0, PerUser).Select(n => $"{previous}:{n}"), Bodies(listenerFrames[i]).Where(b => b.StartsWith($"{previous}:")));

                // And sync agrees with what was delivered live, entry by entry.
                var inbox = await client.InboxAsync(accounts[i]);
                Assert.Equal(Inbox(InboxSize), inbox.Select(e => e.Seq));
                Assert.Equal(listenerFrames[i].Select(m => m.GetProperty("message").GetProperty("id").GetString()),
                    inbox.Select(e => e.Message.GetProperty("id").GetString()));
            }
        }
        finally
        {
            foreach (var ws in senders.Concat(listenerSockets)) await ws.DisposeAsync();
        }
    }

    static IEnumerable<long> Inbox(int size) => Enumerable.Range(1, size).Select(i => (long)i);

    static IEnumerable<string> Bodies(IEnumerable<JsonElement> frames) =>
        frames.Select(m => m.GetProperty("message").GetProperty("body").GetString()!);

    static void AssertAscending(IEnumerable<long> seqs)
    {
        var list = seqs.ToList();
        Assert.Equal(list.Order(), list);
        Assert.Equal(list.Count, list.Distinct().Count());
    }
}
