using System.Net.WebSockets;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class KestrelSmokeTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new(kestrel: true, settings: new() { ["Chat:MaxFrameBytes"] = "4096" });
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Kestrel_chat_works_and_an_oversized_frame_closes_with_1009()
    {
        var client = _app.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        await using var aliceWs = await client.ConnectAsync(alice, tokenInQuery: true);
        await using var bobWs = await client.ConnectAsync(bob);
        await aliceWs.SendMessageAsync(conversation, "hello");
        await aliceWs.ExpectAsync("ack");
        await bobWs.ExpectAsync("message");
        await aliceWs.SendMessageAsync(conversation, new string('x', 5000));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await aliceWs.Closed.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
