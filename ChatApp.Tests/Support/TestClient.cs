using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChatApp.Tests.Support;

public sealed record Account(string UserId, string Username, string Token, string DeviceId);

/// <summary>
/// Drives one ChatApp server the way a client would: HTTP calls and WebSocket connections. Takes any factory of
/// the app, so a test can use one derived with <c>WithWebHostBuilder</c> (a replaced service, say).
/// </summary>
public sealed class TestClient(WebApplicationFactory<Program> factory)
{
    static int _counter;
    public const string Password = "correct horse";

    public HttpClient Http { get; } = factory.CreateClient();

    public static string UniqueName(string prefix = "user") => $"{prefix}{Interlocked.Increment(ref _counter)}_{Environment.ProcessId % 1000}";

    /// <summary>Registers a user and logs in one device.</summary>
    public async Task<Account> SignUpAsync(string? username = null, string deviceName = "test")
    {
        username ??= UniqueName();
        var register = await Http.PostAsJsonAsync("/api/auth/register", new { username, password = Password });
        Assert.Equal(System.Net.HttpStatusCode.Created, register.StatusCode);
        return await LoginAsync(username, deviceName);
    }

    /// <summary>Logs in another device of an existing user.</summary>
    public async Task<Account> LoginAsync(string username, string deviceName = "test")
    {
        var login = await Http.PostAsJsonAsync("/api/auth/login", new { username, password = Password, deviceName });
        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        return new Account(body.GetProperty("userId").GetString()!, username.ToLowerInvariant(),
            body.GetProperty("accessToken").GetString()!, body.GetProperty("deviceId").GetString()!);
    }

    public HttpClient As(Account account)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.Token);
        return client;
    }

    /// <summary>The direct conversation between two users, as <paramref name="from"/> sees it.</summary>
    public async Task<string> DirectAsync(Account from, Account to)
    {
        var response = await As(from).PostAsJsonAsync("/api/conversations/direct", new { userId = to.UserId });
        Assert.True(response.IsSuccessStatusCode, $"direct conversation: {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Opens a socket with the token in the Authorization header and reads its hello frame.</summary>
    public async Task<WsClient> ConnectAsync(Account account, bool tokenInQuery = false)
    {
        var ws = new WsClient(await OpenSocketAsync(account.Token, tokenInQuery));
        ws.Hello = await ws.ExpectAsync("hello");
        return ws;
    }

    /// <summary>
    /// Opens a socket and reads nothing from it: the caller owns the reading (or deliberately never reads).
    /// A refused upgrade throws: <see cref="WebSocketException"/> on Kestrel, <see cref="InvalidOperationException"/> on TestServer.
    /// </summary>
    public async Task<WebSocket> OpenSocketAsync(string? token, bool tokenInQuery = false)
    {
        var path = tokenInQuery && token is not null ? $"/ws?access_token={Uri.EscapeDataString(token)}" : "/ws";
        var withHeader = !tokenInQuery && token is not null;
        if (factory is ChatAppFactory { IsKestrel: true })
        {
            var client = new ClientWebSocket();
            if (withHeader) client.Options.SetRequestHeader("Authorization", $"Bearer {token}");
            var http = factory.ClientOptions.BaseAddress;
            try
            {
                await client.ConnectAsync(new Uri($"ws://{http.Authority}{path}"), CancellationToken.None);
            }
            catch
            {
                client.Dispose();
                throw;
            }
            return client;
        }
        var testClient = factory.Server.CreateWebSocketClient();
        if (withHeader) testClient.ConfigureRequest = r => r.Headers.Authorization = $"Bearer {token}";
        return await testClient.ConnectAsync(new Uri(factory.Server.BaseAddress, path), CancellationToken.None);
    }

    /// <summary>A conversation's whole history over HTTP, oldest first, paging backwards as a client would.</summary>
    public async Task<List<JsonElement>> HistoryAsync(Account account, string conversationId)
    {
        var http = As(account);
        var all = new List<JsonElement>();
        string? before = null;
        while (true)
        {
            var url = $"/api/conversations/{conversationId}/messages?limit=100" + (before is null ? "" : $"&before={before}");
            var page = await http.GetFromJsonAsync<JsonElement>(url);
            var messages = page.GetProperty("messages").EnumerateArray().ToList();
            all.InsertRange(0, messages);
            if (!page.GetProperty("hasMore").GetBoolean() || messages.Count == 0) return all;
            before = messages[0].GetProperty("id").GetString();
        }
    }

    /// <summary>The user's inbox entries after <paramref name="after"/> over HTTP (<c>GET /api/sync</c>), all pages.</summary>
    public async Task<List<(long Seq, JsonElement Message)>> InboxAsync(Account account, long after = 0)
    {
        var http = As(account);
        var all = new List<(long, JsonElement)>();
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/sync?after={after}&limit=1000");
            foreach (var item in page.GetProperty("messages").EnumerateArray())
            {
                after = item.GetProperty("seq").GetInt64();
                all.Add((after, item.GetProperty("message")));
            }
            if (!page.GetProperty("hasMore").GetBoolean()) return all;
        }
    }
}
