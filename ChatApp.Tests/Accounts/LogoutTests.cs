using System.Net;
using System.Net.WebSockets;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Accounts;

public sealed class LogoutTests : IAsyncLifetime
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
    public async Task After_logout_the_token_is_refused_on_http_and_websocket_while_the_other_device_still_works()
    {
        var laptop = await _client.SignUpAsync(deviceName: "laptop");
        var phone = await _client.LoginAsync(laptop.Username, "phone");

        var logout = await _client.As(laptop).PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await (await _client.As(laptop).GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await _client.As(laptop).PostAsync("/api/auth/logout", null)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var header = await Assert.ThrowsAnyAsync<Exception>(() => _client.ConnectAsync(laptop));
        Assert.Contains("401", header.Message);
        var query = await Assert.ThrowsAnyAsync<Exception>(() => _client.ConnectAsync(laptop, tokenInQuery: true));
        Assert.Contains("401", query.Message);

        Assert.Equal(HttpStatusCode.OK, (await _client.As(phone).GetAsync("/api/users/me")).StatusCode);
        await using var phoneWs = await _client.ConnectAsync(phone);
        Assert.Equal(phone.DeviceId, phoneWs.Hello.GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task Logout_closes_that_devices_sockets_and_leaves_the_other_devices_socket_working()
    {
        var laptop = await _client.SignUpAsync(deviceName: "laptop");
        var phone = await _client.LoginAsync(laptop.Username, "phone");
        var bob = await _client.SignUpAsync();
        var conversation = await _client.DirectAsync(laptop, bob);
        // A device may hold several sockets at once (browser tabs): all of them close.
        await using var laptopTab1 = await _client.ConnectAsync(laptop);
        await using var laptopTab2 = await _client.ConnectAsync(laptop, tokenInQuery: true);
        await using var phoneWs = await _client.ConnectAsync(phone);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.As(laptop).PostAsync("/api/auth/logout", null)).StatusCode);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await laptopTab1.Closed.WaitAsync(WsClient.DefaultTimeout));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await laptopTab2.Closed.WaitAsync(WsClient.DefaultTimeout));
        Assert.False(phoneWs.Closed.IsCompleted);
        await phoneWs.SendAsync(new { type = "ping" });
        await phoneWs.ExpectAsync("pong");
        await phoneWs.SendMessageAsync(conversation, "still here", "after-logout");
        var ack = await phoneWs.ExpectAsync("ack");
        Assert.Equal("after-logout", ack.GetProperty("clientMsgId").GetString());
    }
}
