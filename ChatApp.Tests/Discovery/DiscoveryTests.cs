using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Discovery;

/// <summary><c>GET /api/discovery</c> lists the WebSocket URLs a client may connect to, best first.</summary>
public sealed class DiscoveryTests
{
    static async Task<JsonElement> DiscoverAsync(ChatAppFactory app, Action<HttpRequestHeaders>? headers = null)
    {
        var client = app.NewClient();
        var http = client.As(await client.SignUpAsync());
        headers?.Invoke(http.DefaultRequestHeaders);
        return await (await http.GetAsync("/api/discovery")).ReadJsonAsync(HttpStatusCode.OK);
    }

    static JsonElement OnlyServer(JsonElement discovery)
    {
        var server = Assert.Single(discovery.GetProperty("servers").EnumerateArray());
        Assert.Equal(JsonValueKind.Number, server.GetProperty("load").ValueKind);
        return server;
    }

    static void ForwardedHttps(HttpRequestHeaders h)
    {
        h.Add("X-Forwarded-Proto", "https");
        h.Add("X-Forwarded-Host", "chat.example.org");
    }

    [Fact]
    public async Task Without_settings_the_url_comes_from_the_request()
    {
        await using var app = new ChatAppFactory();

        var server = OnlyServer(await DiscoverAsync(app));

        Assert.Equal("ws://localhost/ws", server.GetProperty("url").GetString());
    }

    [Fact]
    public async Task The_public_url_setting_wins_over_the_request()
    {
        await using var app = new ChatAppFactory(settings: new() { ["Node:PublicUrl"] = "wss://chat.example.com/ws" });

        var server = OnlyServer(await DiscoverAsync(app, ForwardedHttps));

        Assert.Equal("wss://chat.example.com/ws", server.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Behind_a_trusted_tls_proxy_the_url_follows_the_forwarded_headers()
    {
        await using var app = new ChatAppFactory(settings: new() { ["Node:TrustForwardedHeaders"] = "true" });

        var server = OnlyServer(await DiscoverAsync(app, ForwardedHttps));

        Assert.Equal("wss://chat.example.org/ws", server.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Forwarded_headers_are_ignored_unless_trusted()
    {
        await using var app = new ChatAppFactory();

        var server = OnlyServer(await DiscoverAsync(app, ForwardedHttps));

        Assert.Equal("ws://localhost/ws", server.GetProperty("url").GetString());
    }

    [Fact]
    public async Task The_load_counts_this_nodes_open_sockets()
    {
        await using var app = new ChatAppFactory(settings: new() { ["Discovery:HeartbeatInterval"] = "00:00:00.100" });
        var client = app.NewClient();
        var alice = await client.SignUpAsync();
        await using var ws1 = await client.ConnectAsync(alice);
        await using var ws2 = await client.ConnectAsync(alice, tokenInQuery: true);

        // The registry learns the load from the node's heartbeat: wait for one that has seen both sockets.
        var load = -1;
        for (var i = 0; i < 100 && load != 2; i++)
        {
            if (i > 0) await Task.Delay(50);
            var discovery = await (await client.As(alice).GetAsync("/api/discovery")).ReadJsonAsync(HttpStatusCode.OK);
            load = OnlyServer(discovery).GetProperty("load").GetInt32();
        }

        Assert.Equal(2, load);
    }

    [Fact]
    public async Task Discovery_requires_a_token()
    {
        await using var app = new ChatAppFactory();

        var response = await app.CreateClient().GetAsync("/api/discovery");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task On_a_real_socket_the_discovered_url_has_the_port_and_accepts_the_client()
    {
        await using var app = new ChatAppFactory(kestrel: true);
        var client = app.NewClient();
        var alice = await client.SignUpAsync();

        var discovery = await (await client.As(alice).GetAsync("/api/discovery")).ReadJsonAsync(HttpStatusCode.OK);

        var url = new Uri(OnlyServer(discovery).GetProperty("url").GetString()!);
        Assert.Equal("ws", url.Scheme);
        Assert.Equal(app.ClientOptions.BaseAddress.Port, url.Port);
        Assert.Equal("/ws", url.AbsolutePath);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {alice.Token}");
        await socket.ConnectAsync(url, CancellationToken.None);
        await using var ws = new WsClient(socket);
        var hello = await ws.ExpectAsync("hello");
        Assert.Equal(alice.DeviceId, hello.GetProperty("deviceId").GetString());
    }
}
