using System.Net;
using System.Net.Http.Headers;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Accounts;

public sealed class AuthenticationTests : AppTest
{
    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "/api/users/me" },
        { "GET", "/api/users/1" },
        { "GET", "/api/users?query=a" },
        { "GET", "/api/discovery" },
        { "GET", "/api/conversations" },
        { "POST", "/api/conversations/direct" },
        { "GET", "/api/conversations/1" },
        { "GET", "/api/conversations/1/messages" },
        { "POST", "/api/conversations/1/messages" },
        { "GET", "/api/sync" },
        { "POST", "/api/auth/logout" },
        { "GET", "/ws" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Every_protected_endpoint_answers_401_without_a_token(string method, string path)
    {
        var response = await Client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("Bearer", "garbage")]
    [InlineData("Bearer", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // well formed, but never issued
    [InlineData("Basic", "YWxpY2U6cGFzc3dvcmQ=")]
    public async Task A_garbage_token_or_another_scheme_is_401(string scheme, string value)
    {
        var http = App.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, value);

        var response = await http.GetAsync("/api/users/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_websocket_upgrade_without_a_valid_token_is_refused_with_401()
    {
        var alice = await Client.SignUpAsync();

        var garbageHeader = await Assert.ThrowsAnyAsync<Exception>(() => Client.ConnectAsync(alice with { Token = "garbage" }));
        var garbageQuery = await Assert.ThrowsAnyAsync<Exception>(() => Client.ConnectAsync(alice with { Token = "garbage" }, tokenInQuery: true));

        Assert.Contains("401", garbageHeader.Message);
        Assert.Contains("401", garbageQuery.Message);
    }

    [Fact]
    public async Task The_access_token_query_parameter_is_accepted_on_the_websocket_only()
    {
        var alice = await Client.SignUpAsync();
        var query = $"access_token={Uri.EscapeDataString(alice.Token)}";

        await using var ws = await Client.ConnectAsync(alice, tokenInQuery: true);
        Assert.Equal(alice.DeviceId, ws.Hello.GetProperty("deviceId").GetString());

        await (await Client.Http.GetAsync($"/api/users/me?{query}")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await Client.Http.GetAsync($"/api/sync?{query}")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}
