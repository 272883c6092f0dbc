using System.Net;
using System.Net.WebSockets;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class WebSocketAuthTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new();
    TestClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.NewClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(null, false)]
    [InlineData("not-a-token", false)]
    [InlineData("not-a-token", true)]
    public async Task An_upgrade_without_a_valid_token_gets_401_and_no_socket(string? token, bool tokenInQuery)
    {
        // TestServer's client throws when the answer is not 101 Switching Protocols.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.OpenSocketAsync(token, tokenInQuery));
        Assert.Contains("401", refused.Message);

        // The same request over plain HTTP shows the problem details the client got.
        var http = await _app.CreateClient().GetAsync(tokenInQuery ? $"/ws?access_token={token}" : "/ws");
        Assert.Equal(HttpStatusCode.Unauthorized, http.StatusCode);
    }

    [Fact]
    public async Task Logging_out_closes_the_devices_sockets_and_its_token_no_longer_opens_one()
    {
        var alice = await _client.SignUpAsync(deviceName: "phone");
        var laptop = await _client.LoginAsync(alice.Username, "laptop");
        await using var phoneTab1 = await _client.ConnectAsync(alice);
        await using var phoneTab2 = await _client.ConnectAsync(alice, tokenInQuery: true);
        await using var laptopWs = await _client.ConnectAsync(laptop);

        var logout = await _client.As(alice).PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await phoneTab1.Closed.WaitAsync(WsClient.DefaultTimeout));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await phoneTab2.Closed.WaitAsync(WsClient.DefaultTimeout));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.OpenSocketAsync(alice.Token));
        Assert.Contains("401", refused.Message);

        // The other device is untouched.
        await laptopWs.SendAsync(new { type = "ping" });
        await laptopWs.ExpectAsync("pong");
        Assert.False(laptopWs.Closed.IsCompleted);
    }
}
