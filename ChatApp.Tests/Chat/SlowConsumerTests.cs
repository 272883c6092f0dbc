using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

/// <summary>
/// A socket that never reads, on real TCP (TestServer has no backpressure). The server must drop it rather
/// than buffer without bound or let it hold anyone else up, and it must catch up with sync afterwards.
/// </summary>
public sealed class SlowConsumerTests : IAsyncLifetime
{
    const int QueueLimit = 32, BodyChars = 50_000, Window = 8, Chunk = 25, MaxMessages = 2000, AfterDrop = 100;

    readonly ChatAppFactory _app = new(kestrel: true, settings: new()
    {
        ["Chat:OutgoingQueueLimit"] = $"{QueueLimit}",
        // The discovery load (open sockets) is how the test sees the drop; refresh it often.
        ["Discovery:HeartbeatInterval"] = "00:00:00.100",
    });

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_socket_that_never_reads_is_dropped_without_holding_up_anyone_and_catches_up_with_sync()
    {
        var client = _app.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync(deviceName: "phone");
        var bobLaptop = await client.LoginAsync(bob.Username, "laptop");
        var conversation = await client.DirectAsync(alice, bob);
        await using var aliceWs = await client.ConnectAsync(alice);
        await using var bobPhone = await client.ConnectAsync(bob);
        var stuck = await client.OpenSocketAsync(bobLaptop.Token); // never read: not even its hello
        Assert.Equal(3, await LoadAsync(client, alice, until: n => n == 3));

        var acks = new List<JsonElement>();
        var sent = 0;
        int? droppedAt = null;
        while (sent < (droppedAt is null ? MaxMessages : droppedAt + AfterDrop))
        {
            // A chunk, with at most Window sends waiting for their ack (acks come in order).
            var end = sent + Chunk;
            for (; sent < end; sent++)
            {
                if (sent - acks.Count >= Window) acks.Add(await aliceWs.ExpectAsync("ack"));
                await aliceWs.SendMessageAsync(conversation, Body(sent), $"m{sent}");
            }
            while (acks.Count < sent) acks.Add(await aliceWs.ExpectAsync("ack"));

            // The healthy device has the whole chunk already, however stuck the other one is.
            var delivered = await bobPhone.ExpectManyAsync("message", Chunk);
            Assert.Equal(Enumerable.Range(sent - Chunk + 1, Chunk).Select(i => (long)i), delivered.Select(m => m.GetProperty("seq").GetInt64()));
            Assert.Equal(Body(sent - 1), delivered[^1].GetProperty("message").GetProperty("body").GetString());

            if (droppedAt is null && await LoadAsync(client, alice) == 2) droppedAt = sent;
        }

        Assert.True(droppedAt is not null, $"the stuck socket was still open after {MaxMessages} messages of {BodyChars} characters");
        Assert.Equal(Enumerable.Range(0, sent).Select(i => $"m{i}"), acks.Select(a => a.GetProperty("clientMsgId").GetString()));
        Assert.Equal(Enumerable.Range(1, sent).Select(i => (long)i), acks.Select(a => a.GetProperty("seq").GetInt64()));
        Assert.Equal(2, await LoadAsync(client, alice)); // the sender and the healthy device are still connected
        Assert.False(aliceWs.Closed.IsCompleted || bobPhone.Closed.IsCompleted);

        // What the stuck socket did get before the drop: a prefix of its frames, ended without a close handshake.
        await using var dropped = new WsClient(stuck);
        var leftovers = await dropped.RemainingFramesAsync();
        Assert.Null(await dropped.Closed);
        var got = leftovers.Where(f => f.GetProperty("type").GetString() == "message").ToList();
        Assert.Equal(Enumerable.Range(1, got.Count).Select(i => (long)i), got.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.True(got.Count < droppedAt, $"the stuck socket got {got.Count} of the first {droppedAt} messages");

        // The device reconnects and syncs from what it applied; the queue limit does not apply to sync pages.
        await using var laptopAgain = await client.ConnectAsync(bobLaptop);
        long cursor = got.Count;
        var missed = new List<JsonElement>();
        while (true)
        {
            var page = await laptopAgain.SyncAsync(cursor, limit: 1000);
            missed.AddRange(page.Messages);
            cursor = page.Seq;
            if (!page.HasMore) break;
        }
        Assert.Equal(Enumerable.Range(got.Count + 1, sent - got.Count).Select(i => (long)i), missed.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal(Enumerable.Range(got.Count, sent - got.Count).Select(Body), missed.Select(m => m.GetProperty("message").GetProperty("body").GetString()));
        Assert.False(laptopAgain.Closed.IsCompleted);
    }

    static string Body(int i) => $"{i}:".PadRight(BodyChars, '.');

    /// <summary>The server's open socket count as discovery reports it; with <paramref name="until"/>, polls (bounded) until it holds.</summary>
    static async Task<int> LoadAsync(TestClient client, Account account, Func<int, bool>? until = null)
    {
        var http = client.As(account);
        var deadline = DateTime.UtcNow + WsClient.DefaultTimeout;
        while (true)
        {
            var discovery = await http.GetFromJsonAsync<JsonElement>("/api/discovery");
            var load = discovery.GetProperty("servers")[0].GetProperty("load").GetInt32();
            if (until is null || until(load) || DateTime.UtcNow > deadline) return load;
            await Task.Delay(50);
        }
    }
}
