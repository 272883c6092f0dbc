using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Operations;

/// <summary>Tokens never appear in logs, even with every category logged at Trace.</summary>
public sealed class TokenRedactionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // Kestrel: the real server's own logs too
    public async Task No_log_entry_at_any_level_contains_a_token(bool kestrel)
    {
        var logs = new CapturingLoggerProvider();
        await using var app = new ChatAppFactory(kestrel: kestrel, configure: logs.AddTo);
        var client = app.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var alicePhone = await client.LoginAsync(alice.Username, "phone");
        var conversation = await client.DirectAsync(alice, bob);

        await using (var ws = await client.ConnectAsync(alice, tokenInQuery: true))
        {
            await ws.SendMessageAsync(conversation, "hello", "redact-1");
            await ws.ExpectAsync("ack");
        }
        await using (var ws = await client.ConnectAsync(bob))
            await ws.SendAsync(new { type = "ping" });
        // Query names are matched ignoring case and after decoding, so these spellings carry a token too.
        foreach (var name in new[] { "Access_Token", "access%5Ftoken" })
            await using (var ws = await ConnectRawAsync(app, $"/ws?x=1&{name}={Uri.EscapeDataString(bob.Token)}"))
                Assert.Equal(bob.DeviceId, ws.Hello.GetProperty("deviceId").GetString());
        var http = client.As(alice);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/users/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/conversations/{conversation}/messages?limit=5")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { clientMsgId = "redact-2", body = "x" })).StatusCode);
        // Refused tokens are secrets too: the query string of a refused upgrade, and a token sent where it is not accepted.
        Assert.Equal(HttpStatusCode.NoContent, (await client.As(alicePhone).PostAsync("/api/auth/logout", null)).StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(alicePhone, tokenInQuery: true));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync($"/api/users/me?access_token={Uri.EscapeDataString(bob.Token)}")).StatusCode);

        var entries = logs.Entries;
        // The capture works and saw the socket requests: otherwise "no token in the logs" would prove nothing.
        Assert.Contains(entries, e => e.Contains("/ws"));
        Assert.Contains(entries, e => e.Contains("/api/users/me"));
        foreach (var (name, token) in new[] { ("alice", alice.Token), ("alice's phone", alicePhone.Token), ("bob", bob.Token) })
        {
            var leaks = entries.Where(e => e.Contains(token, StringComparison.Ordinal) || e.Contains(Uri.EscapeDataString(token), StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"{name}'s token is in the logs:\n{string.Join("\n", leaks.Take(5))}");
        }
    }

    static async Task<WsClient> ConnectRawAsync(ChatAppFactory app, string pathAndQuery)
    {
        WebSocket socket;
        if (app.IsKestrel)
        {
            var client = new ClientWebSocket();
            await client.ConnectAsync(new Uri($"ws://{app.ClientOptions.BaseAddress.Authority}{pathAndQuery}"), CancellationToken.None);
            socket = client;
        }
        else
        {
            socket = await app.Server.CreateWebSocketClient().ConnectAsync(new Uri(app.Server.BaseAddress, pathAndQuery), CancellationToken.None);
        }
        var ws = new WsClient(socket);
        ws.Hello = await ws.ExpectAsync("hello");
        return ws;
    }
}
