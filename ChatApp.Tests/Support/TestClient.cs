using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;

namespace ChatApp.Tests.Support;

public sealed record Account(string UserId, string Username, string Token, string DeviceId);

/// <summary>Drives one ChatApp server the way a client would: HTTP calls and WebSocket connections.</summary>
public sealed class TestClient(ChatAppFactory factory)
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
        WebSocket socket;
        var path = tokenInQuery ? $"/ws?access_token={Uri.EscapeDataString(account.Token)}" : "/ws";
        if (factory.IsKestrel)
        {
            var client = new ClientWebSocket();
            if (!tokenInQuery) client.Options.SetRequestHeader("Authorization", $"Bearer {account.Token}");
            var http = factory.ClientOptions.BaseAddress;
            await client.ConnectAsync(new Uri($"ws://{http.Authority}{path}"), CancellationToken.None);
            socket = client;
        }
        else
        {
            var client = factory.Server.CreateWebSocketClient();
            if (!tokenInQuery) client.ConfigureRequest = r => r.Headers.Authorization = $"Bearer {account.Token}";
            socket = await client.ConnectAsync(new Uri(factory.Server.BaseAddress, path), CancellationToken.None);
        }
        var ws = new WsClient(socket);
        ws.Hello = await ws.ExpectAsync("hello");
        return ws;
    }
}
