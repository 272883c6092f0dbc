using System.Net;
using System.Net.WebSockets;
using System.Text;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

/// <summary>What only a real socket shows: frame size limits and the upgrade's HTTP answer.</summary>
public sealed class KestrelSmokeTests : IAsyncLifetime
{
    const int MaxFrameBytes = 4096;
    readonly ChatAppFactory _app = new(kestrel: true, settings: new() { ["Chat:MaxFrameBytes"] = $"{MaxFrameBytes}" });
    TestClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.NewClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Kestrel_chat_works_and_an_oversized_frame_closes_with_1009()
    {
        var alice = await _client.SignUpAsync();
        var bob = await _client.SignUpAsync();
        var conversation = await _client.DirectAsync(alice, bob);
        await using var aliceWs = await _client.ConnectAsync(alice, tokenInQuery: true);
        await using var bobWs = await _client.ConnectAsync(bob);
        await aliceWs.SendMessageAsync(conversation, "hello");
        await aliceWs.ExpectAsync("ack");
        await bobWs.ExpectAsync("message");

        await aliceWs.SendMessageAsync(conversation, new string('x', 5000));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await aliceWs.Closed.WaitAsync(WsClient.DefaultTimeout));
        Assert.True(await bobWs.IsQuietAsync(TimeSpan.FromMilliseconds(300)), "the oversized message was not delivered");
        Assert.Single(await _client.HistoryAsync(bob, conversation));
    }

    [Fact]
    public async Task A_frame_of_exactly_the_limit_is_accepted_and_one_byte_more_closes_with_1009()
    {
        var alice = await _client.SignUpAsync();
        await using var ws = await _client.ConnectAsync(alice);

        await ws.SendRawAsync(PaddedPing(MaxFrameBytes));
        await ws.ExpectAsync("pong");
        await ws.SendRawAsync(PaddedPing(MaxFrameBytes + 1));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ws.Closed.WaitAsync(WsClient.DefaultTimeout));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("not-a-token", false)]
    [InlineData("not-a-token", true)]
    public async Task An_upgrade_without_a_valid_token_gets_401_and_no_socket(string? token, bool tokenInQuery)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null && !tokenInQuery) socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        var url = $"ws://{_app.ClientOptions.BaseAddress.Authority}/ws" + (tokenInQuery ? $"?access_token={token}" : "");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(url), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.Contains("Bearer", socket.HttpResponseHeaders!["WWW-Authenticate"]);
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    /// <summary>A ping frame of exactly <paramref name="bytes"/> UTF-8 bytes: an unknown field pads it.</summary>
    static string PaddedPing(int bytes)
    {
        var frame = """{"type":"ping","pad":""}""";
        var padded = frame.Insert(frame.Length - 2, new string('p', bytes - frame.Length));
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(padded));
        return padded;
    }
}
