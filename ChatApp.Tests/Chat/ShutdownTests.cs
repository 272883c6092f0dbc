using System.Net.WebSockets;
using System.Text.Json;
using ChatApp.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChatApp.Tests.Chat;

public sealed class ShutdownTests : IAsyncLifetime
{
    const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    // Not owned by any one factory: the test restarts on it to read what the first app stored.
    readonly string _directory = Directory.CreateTempSubdirectory("chatapp-test-").FullName;
    readonly List<WebApplicationFactory<Program>> _apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var app in _apps) await app.DisposeAsync();
        }
        finally
        {
            ChatAppFactory.DeleteDirectory(_directory);
        }
    }

    /// <summary>
    /// Messages wait in the batching writer behind a closed gate while the app begins to stop; the gate opens only
    /// once the app refuses new sends, so those messages are in flight during the drain by construction.
    /// </summary>
    [Fact]
    public async Task Stopping_the_app_stores_and_acks_every_message_in_flight_then_closes_sockets_with_1012()
    {
        const int InFlight = 50;
        var first = new ChatAppFactory(_directory);
        _apps.Add(first);
        var app = ControlledMessageStore.Install(first, out var store);
        var client = new TestClient(app);
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        await using var aliceWs = await client.ConnectAsync(alice);
        await using var bobWs = await client.ConnectAsync(bob);

        store.CloseGate();
        for (var i = 0; i < InFlight; i++) await aliceWs.SendMessageAsync(conversation, $"m{i}", $"m{i}");
        // The socket's frames are handled in order: once the pong is back, all 50 are in the writer's hands.
        await aliceWs.SendAsync(new { type = "ping" });
        await aliceWs.ExpectAsync("pong");
        await store.WaitingAtGate.WaitAsync(WsClient.DefaultTimeout);
        var stopping = app.DisposeAsync().AsTask();

        // Probe until a send is refused: then the app is draining. Probes sent before that are in flight too.
        var probes = new List<string>();
        var refused = new List<string>();
        while (refused.Count == 0)
        {
            Assert.True(probes.Count < 100, "the app never began refusing sends");
            probes.Add($"probe{probes.Count}");
            await aliceWs.SendMessageAsync(conversation, "probe", probes[^1]);
            try
            {
                var frame = await aliceWs.NextAsync(TimeSpan.FromMilliseconds(100));
                // Nothing can be acked while the gate is closed: any answer now is a refusal.
                Assert.Equal("unavailable", frame.GetProperty("code").GetString());
                refused.Add(frame.GetProperty("clientMsgId").GetString()!);
            }
            catch (TimeoutException)
            {
                // No answer yet: accepted and waiting at the gate, or a refusal still on its way.
            }
        }
        store.OpenGate();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ServiceRestart, await aliceWs.Closed.WaitAsync(WsClient.DefaultTimeout));
        Assert.Equal(ServiceRestart, await bobWs.Closed.WaitAsync(WsClient.DefaultTimeout));
        var aliceFrames = await aliceWs.RemainingFramesAsync();
        var acks = aliceFrames.Where(f => f.GetProperty("type").GetString() == "ack").ToList();
        foreach (var error in aliceFrames.Except(acks))
        {
            Assert.Equal("unavailable", error.GetProperty("code").GetString());
            refused.Add(error.GetProperty("clientMsgId").GetString()!);
        }
        // Every send was answered: the held ones and the accepted probes acked in the order sent, the rest refused.
        var accepted = Enumerable.Range(0, InFlight).Select(i => $"m{i}").Concat(probes.Except(refused)).ToList();
        Assert.Equal(accepted, acks.Select(a => a.GetProperty("clientMsgId").GetString()));
        Assert.Equal(probes.Count, accepted.Count - InFlight + refused.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, accepted.Count).Select(i => (long)i), acks.Select(a => a.GetProperty("seq").GetInt64()));
        var bobLive = await bobWs.RemainingFramesAsync();

        // After a restart on the same file: every acked message is there, and nothing that was not acked.
        var second = new ChatAppFactory(_directory);
        _apps.Add(second);
        client = second.NewClient();
        var history = await client.HistoryAsync(bob, conversation);
        Assert.Equal(acks.Select(a => a.GetProperty("messageId").GetString()), history.Select(m => m.GetProperty("id").GetString()));

        // Bob's device applies what it got live and syncs the rest: every message once, in order.
        await using var bobAgain = await client.ConnectAsync(bob);
        var cursor = bobLive.Count == 0 ? 0 : bobLive[^1].GetProperty("seq").GetInt64();
        Assert.Equal(Enumerable.Range(1, (int)cursor).Select(i => (long)i), bobLive.Select(m => m.GetProperty("seq").GetInt64()));
        var rest = await bobAgain.SyncAsync(cursor);
        Assert.False(rest.HasMore);
        Assert.Equal(acks.Select(a => a.GetProperty("messageId").GetString()),
            bobLive.Concat(rest.Messages).Select(m => m.GetProperty("message").GetProperty("id").GetString()));
    }

    [Fact]
    public async Task On_a_real_socket_stopping_the_app_closes_it_with_1012_after_its_acks()
    {
        var app = new ChatAppFactory(_directory, kestrel: true);
        _apps.Add(app);
        var client = app.NewClient();
        var alice = await client.SignUpAsync();
        var bob = await client.SignUpAsync();
        var conversation = await client.DirectAsync(alice, bob);
        await using var aliceWs = await client.ConnectAsync(alice);
        for (var i = 0; i < 100; i++) await aliceWs.SendMessageAsync(conversation, $"m{i}", $"m{i}");

        await app.DisposeAsync();

        Assert.Equal(ServiceRestart, await aliceWs.Closed.WaitAsync(WsClient.DefaultTimeout));
        var frames = await aliceWs.RemainingFramesAsync();
        var acked = frames.Where(f => f.GetProperty("type").GetString() == "ack").Select(a => a.GetProperty("messageId").GetString()).ToList();
        Assert.All(frames.Where(f => f.GetProperty("type").GetString() != "ack"), f => Assert.Equal("unavailable", f.GetProperty("code").GetString()));

        var again = new ChatAppFactory(_directory);
        _apps.Add(again);
        Assert.Equal(acked, (await again.NewClient().HistoryAsync(bob, conversation)).Select(m => m.GetProperty("id").GetString()));
    }
}
