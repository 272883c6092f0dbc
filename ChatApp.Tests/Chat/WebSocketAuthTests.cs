using System.Net;
using System.Net.WebSockets;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class WebSocketAuthTests : AppTest
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("not-a-token", false)]
    [InlineData("not-a-token", true)]
    public async Task An_upgrade_without_a_valid_token_gets_401_and_no_socket(string? token, bool tokenInQuery)
    {
        // TestServer's client throws when the answer is not 101 Switching Protocols.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.OpenSocketAsync(token, tokenInQuery));
        Assert.Contains("401", refused.Message);

        // The same request over plain HTTP shows the problem details the client got.
        var http = await App.CreateClient().GetAsync(tokenInQuery ? $"/ws?access_token={token}" : "/ws");
        Assert.Equal(HttpStatusCode.Unauthorized, http.StatusCode);
    }

    [Fact]
    public async Task Logging_out_closes_the_devices_sockets_and_its_token_no_longer_opens_one()
    {
        var alice = await Client.SignUpAsync(deviceName: "phone");
        var laptop = await Client.LoginAsync(alice.Username, "laptop");
        await using var phoneTab1 = await Client.ConnectAsync(alice);
        await using var phoneTab2 = await Client.ConnectAsync(alice, tokenInQuery: true);
        await using var laptopWs = await Client.ConnectAsync(laptop);

        var logout = await Client.As(alice).PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await phoneTab1.Closed.WaitAsync(WsClient.DefaultTimeout));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await phoneTab2.Closed.WaitAsync(WsClient.DefaultTimeout));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.OpenSocketAsync(alice.Token));
        Assert.Contains("401", refused.Message);

        // The other device is untouched.
        await laptopWs.SendAsync(new { type = "ping" });
        await laptopWs.ExpectAsync("pong");
        Assert.False(laptopWs.Closed.IsCompleted);
    }
}
