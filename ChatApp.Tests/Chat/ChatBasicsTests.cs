using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class ChatBasicsTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new();
    TestClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.NewClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_message_is_acked_to_the_sender_and_delivered_to_the_receiver()
    {
        var alice = await _client.SignUpAsync();
        var bob = await _client.SignUpAsync();
        var conversation = await _client.DirectAsync(alice, bob);
        await using var aliceWs = await _client.ConnectAsync(alice);
        await using var bobWs = await _client.ConnectAsync(bob);

        await aliceWs.SendMessageAsync(conversation, "hi bob", "c1");

        var ack = await aliceWs.ExpectAsync("ack");
        Assert.Equal("c1", ack.GetProperty("clientMsgId").GetString());
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
        var message = await bobWs.ExpectAsync("message");
        Assert.Equal(1, message.GetProperty("seq").GetInt64());
        var body = message.GetProperty("message");
        Assert.Equal("hi bob", body.GetProperty("body").GetString());
        Assert.Equal(ack.GetProperty("messageId").GetString(), body.GetProperty("id").GetString());
        Assert.Equal(alice.UserId, body.GetProperty("senderId").GetString());
        Assert.Equal(JsonValueKind.String, body.GetProperty("id").ValueKind);
    }
}
