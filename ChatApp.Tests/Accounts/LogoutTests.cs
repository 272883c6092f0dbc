using System.Net;
using System.Net.WebSockets;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Accounts;

public sealed class LogoutTests : AppTest
{
    [Fact]
    public async Task After_logout_the_token_is_refused_on_http_and_websocket_while_the_other_device_still_works()
    {
        var laptop = await Client.SignUpAsync(deviceName: "laptop");
        var phone = await Client.LoginAsync(laptop.Username, "phone");

        var logout = await Client.As(laptop).PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await (await Client.As(laptop).GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await Client.As(laptop).PostAsync("/api/auth/logout", null)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var header = await Assert.ThrowsAnyAsync<Exception>(() => Client.ConnectAsync(laptop));
        Assert.Contains("401", header.Message);
        var query = await Assert.ThrowsAnyAsync<Exception>(() => Client.ConnectAsync(laptop, tokenInQuery: true));
        Assert.Contains("401", query.Message);

        Assert.Equal(HttpStatusCode.OK, (await Client.As(phone).GetAsync("/api/users/me")).StatusCode);
        await using var phoneWs = await Client.ConnectAsync(phone);
        Assert.Equal(phone.DeviceId, phoneWs.Hello.GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task Logout_closes_that_devices_sockets_and_leaves_the_other_devices_socket_working()
    {
        var laptop = await Client.SignUpAsync(deviceName: "laptop");
        var phone = await Client.LoginAsync(laptop.Username, "phone");
        var bob = await Client.SignUpAsync();
        var conversation = await Client.DirectAsync(laptop, bob);
        // A device may hold several sockets at once (browser tabs): all of them close.
        await using var laptopTab1 = await Client.ConnectAsync(laptop);
        await using var laptopTab2 = await Client.ConnectAsync(laptop, tokenInQuery: true);
        await using var phoneWs = await Client.ConnectAsync(phone);

        Assert.Equal(HttpStatusCode.NoContent, (await Client.As(laptop).PostAsync("/api/auth/logout", null)).StatusCode);

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
