using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Conversations;

public sealed class DirectConversationTests : AppTest
{
    Task<HttpResponseMessage> CreateDirectAsync(Account from, object body) => Client.As(from).PostAsJsonAsync("/api/conversations/direct", body);

    static void AssertMembers(JsonElement conversation, params Account[] members) =>
        Assert.Equal(
            members.Select(m => (m.UserId, m.Username)).OrderBy(m => long.Parse(m.UserId)),
            conversation.GetProperty("members").EnumerateArray().Select(m => (m.GetProperty("id").GetString()!, m.GetProperty("username").GetString()!)));

    [Fact]
    public async Task The_first_request_creates_the_conversation_with_201()
    {
        var alice = await Client.SignUpAsync();
        var bob = await Client.SignUpAsync();

        var response = await CreateDirectAsync(alice, new { userId = bob.UserId });

        var conversation = await response.ReadJsonAsync(HttpStatusCode.Created);
        var id = conversation.GetProperty("id").GetString();
        Assert.True(long.TryParse(id, out _));
        Assert.Equal($"/api/conversations/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("direct", conversation.GetProperty("kind").GetString());
        AssertMembers(conversation, alice, bob);
        Assert.Equal(JsonValueKind.Null, conversation.GetProperty("lastMessage").ValueKind);
        Assert.EndsWith("Z", conversation.GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Asking_again_from_either_side_answers_200_with_the_same_conversation()
    {
        var alice = await Client.SignUpAsync();
        var bob = await Client.SignUpAsync();
        var created = await (await CreateDirectAsync(alice, new { userId = bob.UserId })).ReadJsonAsync(HttpStatusCode.Created);

        var again = await (await CreateDirectAsync(alice, new { userId = bob.UserId })).ReadJsonAsync(HttpStatusCode.OK);
        var otherSide = await (await CreateDirectAsync(bob, new { userId = alice.UserId })).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(created.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal(created.GetProperty("id").GetString(), otherSide.GetProperty("id").GetString());
        AssertMembers(otherSide, alice, bob);
        var bobsList = await (await Client.As(bob).GetAsync("/api/conversations")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Single(bobsList.GetProperty("conversations").EnumerateArray());
    }

    [Theory]
    [InlineData("123456789")]
    [InlineData("abc")]
    [InlineData("-5")]
    public async Task An_unknown_user_is_404_user_not_found(string userId)
    {
        var alice = await Client.SignUpAsync();

        var response = await CreateDirectAsync(alice, new { userId });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
        var list = await (await Client.As(alice).GetAsync("/api/conversations")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Empty(list.GetProperty("conversations").EnumerateArray());
    }

    [Fact]
    public async Task A_missing_user_id_is_400()
    {
        var alice = await Client.SignUpAsync();

        var response = await CreateDirectAsync(alice, new { });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("userId", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_list_holds_the_callers_conversations_with_members_and_last_message()
    {
        var alice = await Client.SignUpAsync();
        var bob = await Client.SignUpAsync();
        var carol = await Client.SignUpAsync();
        var dave = await Client.SignUpAsync();
        var withBob = await Client.DirectAsync(alice, bob);
        var withCarol = await Client.DirectAsync(carol, alice);
        var bobAndDave = await Client.DirectAsync(bob, dave);
        await Client.As(alice).PostAsJsonAsync($"/api/conversations/{withBob}/messages", new { clientMsgId = "m1", body = "first" });
        var last = await (await Client.As(bob).PostAsJsonAsync($"/api/conversations/{withBob}/messages", new { clientMsgId = "m2", body = "second" }))
            .ReadJsonAsync(HttpStatusCode.Created);

        var list = await (await Client.As(alice).GetAsync("/api/conversations")).ReadJsonAsync(HttpStatusCode.OK);

        var conversations = list.GetProperty("conversations").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.Equal([withBob, withCarol], conversations.Keys.Order());
        Assert.DoesNotContain(bobAndDave, conversations.Keys);
        AssertMembers(conversations[withBob], alice, bob);
        AssertMembers(conversations[withCarol], alice, carol);
        var lastMessage = conversations[withBob].GetProperty("lastMessage");
        Assert.Equal(last.GetProperty("id").GetString(), lastMessage.GetProperty("id").GetString());
        Assert.Equal("second", lastMessage.GetProperty("body").GetString());
        Assert.Equal(bob.UserId, lastMessage.GetProperty("senderId").GetString());
        Assert.Equal(withBob, lastMessage.GetProperty("conversationId").GetString());
        Assert.Equal(JsonValueKind.Null, conversations[withCarol].GetProperty("lastMessage").ValueKind);
    }

    [Fact]
    public async Task A_member_reads_one_conversation()
    {
        var alice = await Client.SignUpAsync();
        var bob = await Client.SignUpAsync();
        var id = await Client.DirectAsync(alice, bob);

        var conversation = await (await Client.As(bob).GetAsync($"/api/conversations/{id}")).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(id, conversation.GetProperty("id").GetString());
        Assert.Equal("direct", conversation.GetProperty("kind").GetString());
        AssertMembers(conversation, alice, bob);
    }

    [Fact]
    public async Task Non_members_unknown_ids_and_garbage_ids_all_get_the_same_404()
    {
        var alice = await Client.SignUpAsync();
        var bob = await Client.SignUpAsync();
        var eve = await Client.SignUpAsync();
        var id = await Client.DirectAsync(alice, bob);
        var http = Client.As(eve);

        var notMember = await (await http.GetAsync($"/api/conversations/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");
        var unknown = await (await http.GetAsync($"/api/conversations/{long.Parse(id) + 1}")).AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");
        var garbage = await (await http.GetAsync("/api/conversations/garbage")).AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");

        // Existence does not leak: the three answers are the same.
        Assert.Equal(notMember.WithoutTraceId(), unknown.WithoutTraceId());
        Assert.Equal(notMember.WithoutTraceId(), garbage.WithoutTraceId());
    }
}
