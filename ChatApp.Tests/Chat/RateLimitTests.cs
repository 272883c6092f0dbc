using System.Net.WebSockets;
using ChatApp.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.Chat;

/// <summary>
/// One frame a second, five at once. The token bucket reads a monotonic clock that the test moves by hand, so
/// "sent quickly" means exactly no refill, however slow the machine is.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    readonly ChatAppFactory _base = new(settings: new() { ["Chat:FramesPerSecond"] = "1", ["Chat:FrameBurst"] = "5" });
    readonly ManualClock _clock = new();
    WebApplicationFactory<Program> _app = null!;
    TestClient _client = null!;

    public Task InitializeAsync()
    {
        _app = _base.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_clock)));
        _client = new TestClient(_app);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _base.DisposeAsync();

    [Fact]
    public async Task Frames_past_the_burst_are_answered_rate_limited_and_the_socket_stays_open()
    {
        var alice = await _client.SignUpAsync();
        await using var ws = await _client.ConnectAsync(alice);

        for (var i = 0; i < 20; i++) await ws.SendAsync(new { type = "ping" });

        var answers = await TypesAsync(ws, 20);
        Assert.Equal([.. Enumerable.Repeat("pong", 5), .. Enumerable.Repeat("error:rate_limited", 15)], answers);
        Assert.Equal(WebSocketState.Open, ws.Socket.State);

        // One second refills one token, and only one.
        _clock.Advance(TimeSpan.FromSeconds(1));
        await ws.SendAsync(new { type = "ping" });
        await ws.SendAsync(new { type = "ping" });
        Assert.Equal(["pong", "error:rate_limited"], await TypesAsync(ws, 2));

        // A long pause refills the bucket up to the burst, no further.
        _clock.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 7; i++) await ws.SendAsync(new { type = "ping" });
        Assert.Equal([.. Enumerable.Repeat("pong", 5), .. Enumerable.Repeat("error:rate_limited", 2)], await TypesAsync(ws, 7));
    }

    [Fact]
    public async Task A_rate_limited_send_is_dropped_not_stored()
    {
        var alice = await _client.SignUpAsync();
        var bob = await _client.SignUpAsync();
        var conversation = await _client.DirectAsync(alice, bob);
        await using var aliceWs = await _client.ConnectAsync(alice);
        await using var bobWs = await _client.ConnectAsync(bob);
        for (var i = 0; i < 5; i++) await aliceWs.SendAsync(new { type = "ping" });
        await aliceWs.ExpectManyAsync("pong", 5);

        await aliceWs.SendMessageAsync(conversation, "too fast", "c1");

        var error = await aliceWs.ExpectAsync("error");
        Assert.Equal("rate_limited", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.True(await bobWs.IsQuietAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Empty(await _client.HistoryAsync(alice, conversation));

        // Once a token is back, the same send goes through.
        _clock.Advance(TimeSpan.FromSeconds(1));
        await aliceWs.SendMessageAsync(conversation, "in time", "c1");
        Assert.Equal(1, (await aliceWs.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        Assert.Equal("in time", (await bobWs.ExpectAsync("message")).GetProperty("message").GetProperty("body").GetString());
    }

    /// <summary>The next frames as "pong", "error:code", ...</summary>
    static async Task<List<string>> TypesAsync(WsClient ws, int count)
    {
        var types = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var frame = await ws.NextAsync();
            var type = frame.GetProperty("type").GetString()!;
            types.Add(type == "error" ? $"error:{frame.GetProperty("code").GetString()}" : type);
        }
        return types;
    }
}
