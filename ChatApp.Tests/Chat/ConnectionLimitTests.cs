using System.Net;
using System.Net.WebSockets;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class ConnectionLimitTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new(kestrel: true, settings: new() { ["Chat:MaxConnections"] = "2" });
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_full_server_refuses_new_sockets_with_503_and_keeps_serving_the_open_ones()
    {
        var client = _app.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        await using var aliceWs = await client.ConnectAsync(alice);
        await using var bobWs = await client.ConnectAsync(bob);

        using var third = new ClientWebSocket();
        third.Options.CollectHttpResponseDetails = true;
        third.Options.SetRequestHeader("Authorization", $"Bearer {alice.Token}");
        await Assert.ThrowsAsync<WebSocketException>(() =>
            third.ConnectAsync(new Uri($"ws://{_app.ClientOptions.BaseAddress.Authority}/ws"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.HttpStatusCode);

        await aliceWs.SendMessageAsync(conversation, "still here");
        await aliceWs.ExpectAsync("ack");
        Assert.Equal("still here", (await bobWs.ExpectAsync("message")).GetProperty("message").GetProperty("body").GetString());

        // A slot frees up when a socket closes.
        await bobWs.DisposeAsync();
        await WaitUntilAsync(async () =>
        {
            try { await using var again = await client.ConnectAsync(bob); return true; }
            catch (WebSocketException) { return false; }
        });
    }

    static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("condition not met in 5 s");
    }
}
