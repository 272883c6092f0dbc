using ChatApp.Discovery;
using ChatApp.Storage;
using Microsoft.Extensions.Options;

namespace ChatApp.Tests.Contracts;

/// <summary>
/// The <see cref="IMessageStore"/> contract, run against every implementation. A subclass supplies the store and
/// creates the conversations, which live outside the seam; every test starts on empty data.
/// Appends are here; reads and concurrency are in the other parts of this class.
/// </summary>
public abstract partial class MessageStoreContract : IAsyncLifetime
{
    protected const long Alice = 1, Bob = 2, Carol = 3, Dave = 4;
    protected const long AliceBob = 100, Group = 101, BobCarol = 102, DaveAlone = 103, Unknown = 999;

    /// <summary>The members of every conversation the tests use; Dave is a user, but only in his own conversation.</summary>
    protected static readonly IReadOnlyDictionary<long, long[]> Members = new Dictionary<long, long[]>
    {
        [AliceBob] = [Alice, Bob],
        [Group] = [Alice, Bob, Carol],
        [BobCarol] = [Bob, Carol],
        [DaveAlone] = [Dave],
    };

    static readonly long[] Users = [Alice, Bob, Carol, Dave];

    readonly IdGenerator _ids = new(Options.Create(new NodeOptions { Id = 7 }), TimeProvider.System);
    int _clientIds;

    protected IMessageStore Store { get; private set; } = null!;

    /// <summary>
    /// A store over this test's data. Called again in the same test it must return another instance over the same
    /// data, as a restarted node or a second node would see it.
    /// </summary>
    protected abstract Task<IMessageStore> CreateStoreAsync();

    /// <summary>Creates a conversation with these members, creating the users it needs.</summary>
    protected abstract Task AddConversationAsync(long conversationId, IReadOnlyList<long> memberIds);

    public virtual async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        foreach (var (conversation, members) in Members) await AddConversationAsync(conversation, members);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected long NextId() => _ids.Next();

    protected NewMessage Message(long conversationId, long senderId, string? clientMsgId = null, string? body = null)
    {
        var n = Interlocked.Increment(ref _clientIds);
        return new NewMessage(_ids.Next(), conversationId, senderId, clientMsgId ?? $"client-{n}", body ?? $"message {n}");
    }

    protected Task<IReadOnlyList<AppendOutcome>> AppendAsync(params NewMessage[] batch) =>
        Store.AppendAsync(batch, CancellationToken.None);

    /// <summary>The user's whole inbox.</summary>
    protected async Task<IReadOnlyList<InboxItem>> InboxAsync(long userId, IMessageStore? store = null)
    {
        var (items, hasMore) = await (store ?? Store).ReadInboxAsync(userId, 0, 100_000, CancellationToken.None);
        Assert.False(hasMore);
        return items;
    }

    protected static StoredMessage Stored(NewMessage m) => new(m.Id, m.ConversationId, m.SenderId, m.ClientMsgId, m.Body);

    /// <summary>Every user's inbox holds exactly the given stored messages of their conversations, in order, at seqs 1, 2, 3...</summary>
    protected async Task AssertInboxesHoldAsync(IEnumerable<NewMessage> storedInOrder, IMessageStore? store = null)
    {
        var stored = storedInOrder.ToList();
        foreach (var user in Users)
        {
            var expected = stored.Where(m => Members[m.ConversationId].Contains(user))
                .Select((m, i) => new InboxItem(i + 1, Stored(m)));
            Assert.Equal(expected, await InboxAsync(user, store));
        }
    }

    [Fact]
    public async Task A_stored_message_gets_one_inbox_entry_per_member_sender_included()
    {
        var message = Message(Group, Alice);

        var outcome = Assert.Single(await AppendAsync(message));

        Assert.Equal(AppendStatus.Stored, outcome.Status);
        Assert.Equal(Stored(message), outcome.Message);
        Assert.Equal(Members[Group], outcome.Recipients.Select(r => r.UserId).Order());
        Assert.All(outcome.Recipients, r => Assert.Equal(1, r.Seq));
        Assert.Equal(1, outcome.SenderSeq);
        await AssertInboxesHoldAsync([message]);
    }

    [Fact]
    public async Task Each_users_seqs_rise_by_exactly_one_with_no_gap_across_batches_in_batch_order()
    {
        // The users sit in different conversations, so they collect entries at different rates.
        NewMessage[][] batches =
        [
            [Message(AliceBob, Alice), Message(Group, Carol), Message(BobCarol, Bob)],
            [Message(Group, Bob)],
            [Message(BobCarol, Carol), Message(AliceBob, Bob), Message(Group, Alice), Message(AliceBob, Alice)],
        ];
        var seqs = Users.ToDictionary(u => u, _ => new List<long>());

        foreach (var batch in batches)
        {
            foreach (var outcome in await AppendAsync(batch))
            {
                Assert.Equal(AppendStatus.Stored, outcome.Status);
                Assert.Equal(outcome.Recipients.Single(r => r.UserId == outcome.Message!.SenderId).Seq, outcome.SenderSeq);
                foreach (var r in outcome.Recipients) seqs[r.UserId].Add(r.Seq);
            }
        }

        foreach (var (_, userSeqs) in seqs)
            Assert.Equal(Enumerable.Range(1, userSeqs.Count).Select(i => (long)i), userSeqs);
        await AssertInboxesHoldAsync(batches.SelectMany(b => b));
    }

    [Fact]
    public async Task A_batch_of_thousands_with_long_bodies_stores_every_message_with_gap_free_seqs()
    {
        // Large enough that an implementation writing in chunks needs many of them, with bodies of every size.
        var batch = Enumerable.Range(0, 3000)
            .Select(i => Message(i % 3 == 0 ? Group : AliceBob, i % 2 == 0 ? Alice : Bob, body: new string('x', i % 7 == 0 ? 20_000 : 1 + i % 50)))
            .Where(m => Members[m.ConversationId].Contains(m.SenderId))
            .ToArray();

        var outcomes = await AppendAsync(batch);

        Assert.All(outcomes, o => Assert.Equal(AppendStatus.Stored, o.Status));
        await AssertInboxesHoldAsync(batch);
    }

    [Fact]
    public async Task Outcomes_come_one_per_input_in_input_order()
    {
        var original = Message(AliceBob, Alice, "sent-before");
        await AppendAsync(original);
        NewMessage[] batch =
        [
            Message(Group, Bob),
            Message(Group, Dave),
            Message(AliceBob, Alice, "sent-before"),
            Message(Unknown, Alice),
            Message(BobCarol, Carol),
        ];

        var outcomes = await AppendAsync(batch);

        Assert.Equal(
            [AppendStatus.Stored, AppendStatus.ConversationNotFound, AppendStatus.Duplicate, AppendStatus.ConversationNotFound, AppendStatus.Stored],
            outcomes.Select(o => o.Status).ToArray());
        Assert.Equal(Stored(batch[0]), outcomes[0].Message);
        Assert.Equal(Stored(original), outcomes[2].Message);
        Assert.Equal(Stored(batch[4]), outcomes[4].Message);
    }

    [Fact]
    public async Task A_client_msg_id_sent_again_in_a_later_batch_is_a_duplicate_of_the_original_and_stores_nothing()
    {
        var original = Message(AliceBob, Alice, "retry-me", "first try");
        var first = (await AppendAsync(original, Message(Group, Alice)))[0];
        var before = await Task.WhenAll(Users.Select(u => InboxAsync(u)));

        var retry = Assert.Single(await AppendAsync(Message(AliceBob, Alice, "retry-me", "second try")));

        Assert.Equal(AppendStatus.Duplicate, retry.Status);
        Assert.Equal(Stored(original), retry.Message);
        Assert.Equal(first.SenderSeq, retry.SenderSeq);
        Assert.Equal(before, await Task.WhenAll(Users.Select(u => InboxAsync(u))));
        Assert.Equal([Stored(original)], (await Store.ReadHistoryAsync(AliceBob, null, 100, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task A_client_msg_id_repeated_within_one_batch_is_a_duplicate_of_the_first_and_stores_nothing()
    {
        var original = Message(AliceBob, Alice, "twice", "first copy");
        var between = Message(Group, Alice);

        var outcomes = await AppendAsync(original, between, Message(AliceBob, Alice, "twice", "second copy"));

        Assert.Equal(AppendStatus.Stored, outcomes[0].Status);
        Assert.Equal(AppendStatus.Stored, outcomes[1].Status);
        Assert.Equal(AppendStatus.Duplicate, outcomes[2].Status);
        Assert.Equal(Stored(original), outcomes[2].Message);
        Assert.Equal(outcomes[0].SenderSeq, outcomes[2].SenderSeq);
        await AssertInboxesHoldAsync([original, between]);
    }

    [Fact]
    public async Task A_client_msg_id_sent_again_to_another_conversation_is_still_a_duplicate()
    {
        var original = Message(AliceBob, Alice, "same-id");
        await AppendAsync(original);

        var retry = Assert.Single(await AppendAsync(Message(Group, Alice, "same-id")));

        Assert.Equal(AppendStatus.Duplicate, retry.Status);
        Assert.Equal(Stored(original), retry.Message);
        await AssertInboxesHoldAsync([original]);
    }

    [Fact]
    public async Task The_same_client_msg_id_from_another_sender_is_a_different_message()
    {
        var fromAlice = Message(AliceBob, Alice, "shared-id");
        var fromBob = Message(AliceBob, Bob, "shared-id");

        var outcomes = await AppendAsync(fromAlice, fromBob);

        Assert.All(outcomes, o => Assert.Equal(AppendStatus.Stored, o.Status));
        await AssertInboxesHoldAsync([fromAlice, fromBob]);
    }

    [Fact]
    public async Task A_duplicate_is_recognised_by_another_store_instance_over_the_same_data()
    {
        var original = Message(AliceBob, Alice, "before-restart");
        var first = Assert.Single(await AppendAsync(original));
        var restarted = await CreateStoreAsync();

        var retry = Assert.Single(await restarted.AppendAsync([Message(AliceBob, Alice, "before-restart")], CancellationToken.None));
        var next = Assert.Single(await restarted.AppendAsync([Message(AliceBob, Alice)], CancellationToken.None));

        Assert.Equal(AppendStatus.Duplicate, retry.Status);
        Assert.Equal(Stored(original), retry.Message);
        Assert.Equal(first.SenderSeq, retry.SenderSeq);
        Assert.Equal(first.SenderSeq + 1, next.SenderSeq);
    }

    [Fact]
    public async Task A_non_member_sender_or_unknown_conversation_stores_nothing_and_does_not_fail_the_rest_of_the_batch()
    {
        NewMessage[] batch = [Message(AliceBob, Alice), Message(AliceBob, Carol), Message(Unknown, Bob), Message(AliceBob, Bob)];

        var outcomes = await AppendAsync(batch);

        Assert.Equal(
            [AppendStatus.Stored, AppendStatus.ConversationNotFound, AppendStatus.ConversationNotFound, AppendStatus.Stored],
            outcomes.Select(o => o.Status).ToArray());
        Assert.All(outcomes.Where(o => o.Status == AppendStatus.ConversationNotFound), o =>
        {
            Assert.Null(o.Message);
            Assert.Empty(o.Recipients);
        });
        await AssertInboxesHoldAsync([batch[0], batch[3]]);
        Assert.Equal([Stored(batch[0]), Stored(batch[3])], (await Store.ReadHistoryAsync(AliceBob, null, 100, CancellationToken.None)).Items);
        Assert.Empty((await Store.ReadHistoryAsync(Unknown, null, 100, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task A_refused_message_leaves_its_client_msg_id_free_for_a_later_send()
    {
        var refused = Assert.Single(await AppendAsync(Message(Unknown, Alice, "refused-once")));
        var later = Message(AliceBob, Alice, "refused-once");

        var outcome = Assert.Single(await AppendAsync(later));

        Assert.Equal(AppendStatus.ConversationNotFound, refused.Status);
        Assert.Equal(AppendStatus.Stored, outcome.Status);
        await AssertInboxesHoldAsync([later]);
    }

    [Fact]
    public async Task A_message_that_cannot_be_stored_fails_alone_and_costs_no_seq()
    {
        var earlier = Message(AliceBob, Alice);
        await AppendAsync(earlier);
        // Reusing a stored message's id is the one write failure a caller can cause through the interface.
        var clash = Message(AliceBob, Bob) with { Id = earlier.Id };
        NewMessage[] batch = [Message(AliceBob, Alice), clash, Message(AliceBob, Bob)];

        var outcomes = await AppendAsync(batch);
        var alone = Assert.Single(await AppendAsync(clash));

        Assert.Equal([AppendStatus.Stored, AppendStatus.Failed, AppendStatus.Stored], outcomes.Select(o => o.Status).ToArray());
        Assert.Equal(AppendStatus.Failed, alone.Status);
        await AssertInboxesHoldAsync([earlier, batch[0], batch[2]]);

        // Nothing of it was stored, so a retry with the same clientMsgId and a fresh id goes through.
        var retry = clash with { Id = NextId() };
        Assert.Equal(AppendStatus.Stored, Assert.Single(await AppendAsync(retry)).Status);
        await AssertInboxesHoldAsync([earlier, batch[0], batch[2], retry]);
    }
}
