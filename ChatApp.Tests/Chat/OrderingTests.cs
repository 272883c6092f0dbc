using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class OrderingTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Messages_sent_back_to_back_on_one_socket_are_acked_and_delivered_in_the_order_sent()
    {
        const int Count = 200;
        var client = _app.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        await using var aliceWs = await client.ConnectAsync(alice);
        await using var bobWs = await client.ConnectAsync(bob);

        // No waiting for acks: all 200 are on the wire before the first ack is read.
        for (var i = 0; i < Count; i++) await aliceWs.SendMessageAsync(conversation, $"m{i}", $"c{i}");

        var acks = await aliceWs.ExpectManyAsync("ack", Count);
        var delivered = await bobWs.ExpectManyAsync("message", Count);

        var sent = Enumerable.Range(0, Count).ToList();
        var seqs = sent.Select(i => (long)i + 1);
        Assert.Equal(sent.Select(i => $"c{i}"), acks.Select(a => a.GetProperty("clientMsgId").GetString()));
        Assert.Equal(seqs, acks.Select(a => a.GetProperty("seq").GetInt64()));
        Assert.Equal(sent.Select(i => $"m{i}"), delivered.Select(m => m.GetProperty("message").GetProperty("body").GetString()));
        Assert.Equal(seqs, delivered.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal(acks.Select(a => a.GetProperty("messageId").GetString()), delivered.Select(m => m.GetProperty("message").GetProperty("id").GetString()));
        // Ids sort by time, and the order sent is the order stored.
        var ids = delivered.Select(m => long.Parse(m.GetProperty("message").GetProperty("id").GetString()!)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Select(i => i.ToString()), (await client.HistoryAsync(bob, conversation)).Select(m => m.GetProperty("id").GetString()));
    }
}
