using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace ChatApp.LoadTest;

public sealed record SeededUser(string Username, string UserId, string Token);

/// <summary>The HTTP half of docs/protocol.md, as far as the load tool needs it.</summary>
public sealed class ChatApi(Uri baseUrl) : IDisposable
{
    public const string Password = "load-test-password";
    readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public Uri BaseUrl => baseUrl;

    public async Task<SeededUser> RegisterAndLoginAsync(string username, CancellationToken ct)
    {
        var register = await _http.PostAsJsonAsync("/api/auth/register", new { username, password = Password }, ct);
        if (register.StatusCode != HttpStatusCode.Created && register.StatusCode != HttpStatusCode.Conflict)
            throw new InvalidOperationException($"register {username}: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync(ct)}");
        var login = await _http.PostAsJsonAsync("/api/auth/login", new { username, password = Password, deviceName = "loadtest" }, ct);
        login.EnsureSuccessStatusCode();
        var body = await login.Content.ReadFromJsonAsync<JsonElement>(ct);
        return new SeededUser(username, body.GetProperty("userId").GetString()!, body.GetProperty("accessToken").GetString()!);
    }

    public async Task<bool> IsValidAsync(SeededUser user, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        request.Headers.Authorization = new("Bearer", user.Token);
        using var response = await _http.SendAsync(request, ct);
        return response.IsSuccessStatusCode;
    }

    public async Task<string> DirectConversationAsync(SeededUser from, SeededUser to, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/conversations/direct") { Content = JsonContent.Create(new { userId = to.UserId }) };
        request.Headers.Authorization = new("Bearer", from.Token);
        using var response = await _http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
    }

    /// <summary>True when the server maps a group-creation endpoint (groups arrive in a later version).</summary>
    public async Task<bool> HasGroupsAsync(SeededUser user, CancellationToken ct)
    {
        using var doc = await _http.GetAsync("/openapi/v1.json", ct);
        if (!doc.IsSuccessStatusCode) return false;
        var text = await doc.Content.ReadAsStringAsync(ct);
        return text.Contains("\"/api/conversations/group", StringComparison.Ordinal) || text.Contains("\"/api/groups", StringComparison.Ordinal);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// Opens WebSockets from a rotating set of loopback source addresses (127.0.0.1, .2, ...), because one source
/// address runs out of ephemeral ports near 28,000 connections to one server port.
/// </summary>
public sealed class SocketFactory : IDisposable
{
    readonly HttpMessageInvoker _invoker;
    readonly int _sourceAddresses;
    int _next;

    public SocketFactory(int sourceAddresses)
    {
        _sourceAddresses = Math.Max(1, sourceAddresses);
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.Zero,
        });
    }

    async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var index = (uint)Interlocked.Increment(ref _next) % (uint)_sourceAddresses;
            if (_sourceAddresses > 1) socket.Bind(new IPEndPoint(new IPAddress(new byte[] { 127, 0, 0, (byte)(1 + index) }), 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public HttpMessageInvoker Invoker => _invoker;

    public void Dispose() => _invoker.Dispose();
}
