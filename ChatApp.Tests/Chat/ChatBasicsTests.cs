using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Chat;

public sealed class ChatBasicsTests : AppTest
{
    static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);


    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_first_frame_is_hello_naming_the_device_server_and_heartbeat(bool tokenInQuery)
    {
        var alice = await Client.SignUpAsync();

        // ConnectAsync fails unless the very first frame is a hello.
        await using var ws = await Client.ConnectAsync(alice, tokenInQuery);

        Assert.Equal(alice.DeviceId, ws.Hello.GetProperty("deviceId").GetString());
        Assert.False(string.IsNullOrEmpty(ws.Hello.GetProperty("serverId").GetString()));
        Assert.Equal(5000, ws.Hello.GetProperty("heartbeatIntervalMs").GetInt64());
        Assert.Equal(30000, ws.Hello.GetProperty("timeoutMs").GetInt64());
        Assert.True(await ws.IsQuietAsync(Quiet), "nothing follows the hello unasked");
    }

    [Fact]
    public async Task A_ping_is_answered_with_a_pong()
    {
        var alice = await Client.SignUpAsync();
        await using var ws = await Client.ConnectAsync(alice);

        for (var i = 0; i < 3; i++)
        {
            await ws.SendAsync(new { type = "ping" });
            var pong = await ws.ExpectAsync("pong");
            Assert.Equal("""{"type":"pong"}""", pong.GetRawText());
        }
    }

    [Fact]
    public async Task A_message_is_acked_to_the_sender_and_delivered_to_the_receiver()
    {
        var alice = await Client.SignUpAsync();
        var bob = await Client.SignUpAsync();
        var conversation = await Client.DirectAsync(alice, bob);
        await using var aliceWs = await Client.ConnectAsync(alice);
        await using var bobWs = await Client.ConnectAsync(bob);

        await aliceWs.SendMessageAsync(conversation, "hi bob", "c1");

        var ack = await aliceWs.ExpectAsync("ack");
        Assert.Equal("c1", ack.GetProperty("clientMsgId").GetString());
        Assert.Equal(conversation, ack.GetProperty("conversationId").GetString());
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
        var message = await bobWs.ExpectAsync("message");
        Assert.Equal(1, message.GetProperty("seq").GetInt64());
        AssertMessage(message, ack, alice, "hi bob");
        Assert.Equal(JsonValueKind.String, message.GetProperty("message").GetProperty("id").ValueKind);
    }

    [Fact]
    public async Task Two_users_chat_both_ways_and_each_seq_counts_the_users_own_inbox()
    {
        var alice = await Client.SignUpAsync();
        var bob = await Client.SignUpAsync();
        var conversation = await Client.DirectAsync(alice, bob);
        await using var aliceWs = await Client.ConnectAsync(alice);
        await using var bobWs = await Client.ConnectAsync(bob);

        await aliceWs.SendMessageAsync(conversation, "hi bob", "a1");
        var aliceAck = await aliceWs.ExpectAsync("ack");
        AssertMessage(await bobWs.ExpectAsync("message"), aliceAck, alice, "hi bob");

        await bobWs.SendMessageAsync(conversation, "hi alice", "b1");
        var bobAck = await bobWs.ExpectAsync("ack");
        var toAlice = await aliceWs.ExpectAsync("message");
        AssertMessage(toAlice, bobAck, bob, "hi alice");

        // Every message is one entry in each member's inbox: both inboxes now hold seqs 1 and 2.
        Assert.Equal(1, aliceAck.GetProperty("seq").GetInt64());
        Assert.Equal(2, bobAck.GetProperty("seq").GetInt64());
        Assert.Equal(2, toAlice.GetProperty("seq").GetInt64());
        Assert.True(await aliceWs.IsQuietAsync(Quiet));
        Assert.True(await bobWs.IsQuietAsync(Quiet));
    }

    [Fact]
    public async Task Every_other_socket_of_both_users_gets_the_message_while_the_sending_socket_gets_only_its_ack()
    {
        var alice = await Client.SignUpAsync(deviceName: "phone");
        var aliceLaptop = await Client.LoginAsync(alice.Username, "laptop");
        var bob = await Client.SignUpAsync(deviceName: "phone");
        var bobLaptop = await Client.LoginAsync(bob.Username, "laptop");
        var conversation = await Client.DirectAsync(alice, bob);
        // Carol writes to bob first, so bob's inbox is one ahead of alice's and each recipient's own seq shows.
        await SendAsNewUserAsync(to: bob, "from carol");

        await using var alicePhone = await Client.ConnectAsync(alice);
        await using var aliceSecondTab = await Client.ConnectAsync(alice); // the same device, another tab
        await using var aliceLaptopWs = await Client.ConnectAsync(aliceLaptop);
        await using var bobPhone = await Client.ConnectAsync(bob);
        await using var bobLaptopWs = await Client.ConnectAsync(bobLaptop);
        Assert.Equal(alice.DeviceId, aliceSecondTab.Hello.GetProperty("deviceId").GetString());

        await alicePhone.SendMessageAsync(conversation, "to every screen", "multi-1");

        var ack = await alicePhone.ExpectAsync("ack");
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
        foreach (var ws in new[] { aliceSecondTab, aliceLaptopWs })
        {
            var copy = await ws.ExpectAsync("message");
            Assert.Equal(ack.GetProperty("seq").GetInt64(), copy.GetProperty("seq").GetInt64()); // the sender's own seq
            AssertMessage(copy, ack, alice, "to every screen");
        }
        foreach (var ws in new[] { bobPhone, bobLaptopWs })
        {
            var copy = await ws.ExpectAsync("message");
            Assert.Equal(2, copy.GetProperty("seq").GetInt64()); // bob's inbox: carol's message 1, this 2
            AssertMessage(copy, ack, alice, "to every screen");
        }
        Assert.True(await alicePhone.IsQuietAsync(Quiet), "the sending socket gets no message frame for its own message");
        foreach (var ws in new[] { aliceSecondTab, aliceLaptopWs, bobPhone, bobLaptopWs })
            Assert.True(await ws.IsQuietAsync(TimeSpan.FromMilliseconds(50)), "each socket gets the message once");
    }

    async Task SendAsNewUserAsync(Account to, string body)
    {
        var carol = await Client.SignUpAsync();
        var conversation = await Client.DirectAsync(carol, to);
        await using var ws = await Client.ConnectAsync(carol);
        await ws.SendMessageAsync(conversation, body);
        await ws.ExpectAsync("ack");
    }

    static void AssertMessage(JsonElement frame, JsonElement ack, Account sender, string body)
    {
        var message = frame.GetProperty("message");
        Assert.Equal(ack.GetProperty("messageId").GetString(), message.GetProperty("id").GetString());
        Assert.Equal(ack.GetProperty("conversationId").GetString(), message.GetProperty("conversationId").GetString());
        Assert.Equal(ack.GetProperty("clientMsgId").GetString(), message.GetProperty("clientMsgId").GetString());
        Assert.Equal(ack.GetProperty("sentAt").GetDateTime(), message.GetProperty("sentAt").GetDateTime());
        Assert.Equal(sender.UserId, message.GetProperty("senderId").GetString());
        Assert.Equal(body, message.GetProperty("body").GetString());
    }
}
