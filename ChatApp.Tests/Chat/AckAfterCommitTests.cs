using ChatApp.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChatApp.Tests.Chat;

/// <summary>The store sits behind a gate the test holds, so "not committed yet" is a state to look at, not a race.</summary>
public sealed class AckAfterCommitTests : IAsyncLifetime
{
    static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    readonly ChatAppFactory _base = new();
    WebApplicationFactory<Program> _app = null!;
    ControlledMessageStore _store = null!;
    TestClient _client = null!;
    Account _alice = null!, _bob = null!;
    string _conversation = null!;

    public async Task InitializeAsync()
    {
        _app = ControlledMessageStore.Install(_base, out _store);
        _client = new TestClient(_app);
        _alice = await _client.SignUpAsync();
        _bob = await _client.SignUpAsync();
        _conversation = await _client.DirectAsync(_alice, _bob);
    }

    public async Task DisposeAsync() => await _base.DisposeAsync();

    [Fact]
    public async Task No_ack_and_no_delivery_happen_until_the_message_is_committed()
    {
        await using var aliceWs = await _client.ConnectAsync(_alice);
        await using var bobWs = await _client.ConnectAsync(_bob);
        _store.CloseGate();

        await aliceWs.SendMessageAsync(_conversation, "held", "c1");
        await _store.WaitingAtGate.WaitAsync(WsClient.DefaultTimeout);

        var quiet = await Task.WhenAll(aliceWs.IsQuietAsync(Quiet), bobWs.IsQuietAsync(Quiet));
        Assert.True(quiet[0], "no ack while the message is not committed");
        Assert.True(quiet[1], "no delivery while the message is not committed");
        Assert.Empty(await _client.HistoryAsync(_alice, _conversation));

        _store.OpenGate();

        var ack = await aliceWs.ExpectAsync("ack");
        Assert.Equal("c1", ack.GetProperty("clientMsgId").GetString());
        var message = await bobWs.ExpectAsync("message");
        Assert.Equal(ack.GetProperty("messageId").GetString(), message.GetProperty("message").GetProperty("id").GetString());
        var history = Assert.Single(await _client.HistoryAsync(_bob, _conversation));
        Assert.Equal(ack.GetProperty("messageId").GetString(), history.GetProperty("id").GetString());
        Assert.Equal("held", history.GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_message_the_store_fails_is_answered_store_failed_and_the_socket_keeps_working()
    {
        await using var aliceWs = await _client.ConnectAsync(_alice);
        await using var bobWs = await _client.ConnectAsync(_bob);
        _store.FailBody = "doomed";

        await aliceWs.SendMessageAsync(_conversation, "doomed", "c1");

        var error = await aliceWs.ExpectAsync("error");
        Assert.Equal("store_failed", error.GetProperty("code").GetString());
        Assert.Equal("c1", error.GetProperty("clientMsgId").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(await bobWs.IsQuietAsync(Quiet), "a failed message is not delivered");
        Assert.Empty(await _client.HistoryAsync(_alice, _conversation));

        // The socket still works, and a retry with the same clientMsgId is stored as new: nothing was kept of it.
        await aliceWs.SendMessageAsync(_conversation, "fine", "c2");
        Assert.Equal(1, (await aliceWs.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        _store.FailBody = null;
        await aliceWs.SendMessageAsync(_conversation, "doomed", "c1");
        var retried = await aliceWs.ExpectAsync("ack");
        Assert.Equal("c1", retried.GetProperty("clientMsgId").GetString());
        Assert.Equal(2, retried.GetProperty("seq").GetInt64());
        Assert.Equal(["fine", "doomed"], (await _client.HistoryAsync(_bob, _conversation)).Select(m => m.GetProperty("body").GetString()));
    }

    [Fact]
    public async Task A_store_that_throws_is_answered_store_failed_and_the_socket_keeps_working()
    {
        await using var aliceWs = await _client.ConnectAsync(_alice);
        await using var bobWs = await _client.ConnectAsync(_bob);
        _store.ThrowBody = "explode";

        await aliceWs.SendMessageAsync(_conversation, "explode", "boom");

        var error = await aliceWs.ExpectAsync("error");
        Assert.Equal("store_failed", error.GetProperty("code").GetString());
        Assert.Equal("boom", error.GetProperty("clientMsgId").GetString());
        Assert.True(await bobWs.IsQuietAsync(Quiet));

        await aliceWs.SendMessageAsync(_conversation, "after the failure", "c2");
        var ack = await aliceWs.ExpectAsync("ack");
        Assert.Equal("c2", ack.GetProperty("clientMsgId").GetString());
        Assert.Equal("after the failure", (await bobWs.ExpectAsync("message")).GetProperty("message").GetProperty("body").GetString());
    }
}
