using System.Net;
using ChatApp.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.Accounts;

/// <summary>Tokens expire after <c>Auth:TokenLifetime</c> (default 30 days) without use; each use slides the expiry.</summary>
public sealed class TokenExpiryTests : IAsyncLifetime
{
    static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
    readonly MutableTimeProvider _time = new();
    readonly ChatAppFactory _app;
    TestClient _client = null!;

    public TokenExpiryTests() =>
        _app = new(configure: b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_time)));

    public Task InitializeAsync()
    {
        _client = _app.NewClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    async Task<HttpStatusCode> MeAsync(Account account) => (await _client.As(account).GetAsync("/api/users/me")).StatusCode;

    [Fact]
    public async Task A_token_unused_for_longer_than_the_lifetime_is_refused()
    {
        var idle = await _client.SignUpAsync();
        var sameAge = await _client.LoginAsync(idle.Username, "kept busy");

        _time.Advance(Lifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(sameAge));
        _time.Advance(TimeSpan.FromMinutes(2));

        await (await _client.As(idle).GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var ws = await Assert.ThrowsAnyAsync<Exception>(() => _client.ConnectAsync(idle));
        Assert.Contains("401", ws.Message);
        // Same age, but it was used a minute before the end: its expiry slid forward.
        Assert.Equal(HttpStatusCode.OK, await MeAsync(sameAge));
    }

    [Fact]
    public async Task A_token_used_within_its_lifetime_keeps_working_past_the_original_expiry()
    {
        var alice = await _client.SignUpAsync();

        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromDays(20));
            Assert.Equal(HttpStatusCode.OK, await MeAsync(alice)); // 80 days in all, far past the first 30
        }
        await using var ws = await _client.ConnectAsync(alice);
        Assert.Equal(alice.DeviceId, ws.Hello.GetProperty("deviceId").GetString());

        _time.Advance(Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(alice));
    }

    [Fact]
    public async Task The_lifetime_comes_from_the_Auth_TokenLifetime_setting()
    {
        var time = new MutableTimeProvider();
        await using var app = new ChatAppFactory(
            settings: new() { ["Auth:TokenLifetime"] = "2.00:00:00" },
            configure: b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)));
        var client = app.NewClient();
        var alice = await client.SignUpAsync();

        time.Advance(TimeSpan.FromDays(1.5));
        Assert.Equal(HttpStatusCode.OK, (await client.As(alice).GetAsync("/api/users/me")).StatusCode);
        time.Advance(TimeSpan.FromDays(1.5)); // 3 days in all: alive only because the use at 1.5 days slid it

        Assert.Equal(HttpStatusCode.OK, (await client.As(alice).GetAsync("/api/users/me")).StatusCode);
        time.Advance(TimeSpan.FromDays(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.As(alice).GetAsync("/api/users/me")).StatusCode);
    }
}
