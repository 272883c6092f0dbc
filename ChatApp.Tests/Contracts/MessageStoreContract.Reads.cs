using ChatApp.Storage;

namespace ChatApp.Tests.Contracts;

public abstract partial class MessageStoreContract
{
    [Fact]
    public async Task The_inbox_pages_forward_from_a_seq_and_says_whether_more_follow()
    {
        var sent = Enumerable.Range(0, 5).Select(i => Message(AliceBob, i % 2 == 0 ? Alice : Bob)).ToArray();
        await AppendAsync(sent[..2]);
        await AppendAsync(sent[2..]);

        await AssertInboxPageAsync(after: 0, limit: 2, expected: [1, 2], hasMore: true);
        await AssertInboxPageAsync(after: 2, limit: 2, expected: [3, 4], hasMore: true);
        await AssertInboxPageAsync(after: 4, limit: 2, expected: [5], hasMore: false);
        await AssertInboxPageAsync(after: 3, limit: 2, expected: [4, 5], hasMore: false);
        await AssertInboxPageAsync(after: 5, limit: 2, expected: [], hasMore: false);

        async Task AssertInboxPageAsync(long after, int limit, long[] expected, bool hasMore)
        {
            var page = await Store.ReadInboxAsync(Bob, after, limit, CancellationToken.None);
            Assert.Equal(expected, page.Items.Select(i => i.Seq));
            Assert.Equal(expected.Select(seq => Stored(sent[seq - 1])), page.Items.Select(i => i.Message));
            Assert.Equal(hasMore, page.HasMore);
        }
    }

    [Fact]
    public async Task An_empty_inbox_reads_as_nothing_with_nothing_more()
    {
        await AppendAsync(Message(AliceBob, Alice));

        var (items, hasMore) = await Store.ReadInboxAsync(Carol, 0, 10, CancellationToken.None);

        Assert.Empty(items);
        Assert.False(hasMore);
    }

    [Fact]
    public async Task History_pages_backward_from_a_message_id_and_returns_each_page_ascending()
    {
        var sent = Enumerable.Range(0, 5).Select(i => Message(Group, i % 2 == 0 ? Alice : Carol)).ToArray();
        // Other conversations' messages in between must not show up.
        await AppendAsync(sent[0], Message(AliceBob, Alice), sent[1]);
        await AppendAsync(sent[2], Message(BobCarol, Bob));
        await AppendAsync(sent[3..]);

        await AssertHistoryPageAsync(before: null, limit: 2, expected: [3, 4], hasMore: true);
        await AssertHistoryPageAsync(before: sent[3].Id, limit: 2, expected: [1, 2], hasMore: true);
        await AssertHistoryPageAsync(before: sent[1].Id, limit: 2, expected: [0], hasMore: false);
        await AssertHistoryPageAsync(before: sent[2].Id, limit: 2, expected: [0, 1], hasMore: false);
        await AssertHistoryPageAsync(before: sent[0].Id, limit: 2, expected: [], hasMore: false);
        await AssertHistoryPageAsync(before: null, limit: 10, expected: [0, 1, 2, 3, 4], hasMore: false);

        async Task AssertHistoryPageAsync(long? before, int limit, int[] expected, bool hasMore)
        {
            var page = await Store.ReadHistoryAsync(Group, before, limit, CancellationToken.None);
            Assert.Equal(expected.Select(i => Stored(sent[i])), page.Items);
            Assert.Equal(hasMore, page.HasMore);
        }
    }

    [Fact]
    public async Task Concurrent_appends_from_several_tasks_still_give_each_user_gap_free_seqs()
    {
        await AssertConcurrentAppendsAreGapFreeAsync([Store]);
    }

    [Fact]
    public async Task Concurrent_appends_through_two_store_instances_still_give_each_user_gap_free_seqs()
    {
        await AssertConcurrentAppendsAreGapFreeAsync([Store, await CreateStoreAsync()]);
    }

    async Task AssertConcurrentAppendsAreGapFreeAsync(IMessageStore[] stores)
    {
        const int Tasks = 6, BatchesPerTask = 12, BatchSize = 4;
        long[] conversations = [AliceBob, Group, BobCarol];

        var perTask = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var store = stores[t % stores.Length];
            var outcomes = new List<AppendOutcome>();
            for (var b = 0; b < BatchesPerTask; b++)
            {
                var batch = Enumerable.Range(0, BatchSize).Select(i =>
                {
                    var conversation = conversations[(t + b + i) % conversations.Length];
                    var members = Members[conversation];
                    return Message(conversation, members[(t + i) % members.Length]);
                }).ToArray();
                outcomes.AddRange(await store.AppendAsync(batch, CancellationToken.None));
            }
            return outcomes;
        })));

        var all = perTask.SelectMany(o => o).ToList();
        Assert.All(all, o => Assert.Equal(AppendStatus.Stored, o.Status));
        Assert.Equal(Tasks * BatchesPerTask * BatchSize, all.Select(o => o.Message!.Id).Distinct().Count());
        foreach (var user in new[] { Alice, Bob, Carol })
        {
            var entries = all.SelectMany(o => o.Recipients.Where(r => r.UserId == user).Select(r => (r.Seq, o.Message!)))
                .OrderBy(e => e.Seq).ToList();
            var expectedCount = all.Count(o => Members[o.Message!.ConversationId].Contains(user));
            Assert.Equal(Enumerable.Range(1, expectedCount).Select(i => (long)i), entries.Select(e => e.Seq));
            Assert.Equal(entries.Select(e => new InboxItem(e.Seq, e.Item2)), await InboxAsync(user));

            // One caller's batches are stored one after another, so its seqs for each user keep rising.
            foreach (var outcomes in perTask)
            {
                var seqs = outcomes.SelectMany(o => o.Recipients.Where(r => r.UserId == user)).Select(r => r.Seq).ToList();
                Assert.Equal(seqs.Order(), seqs);
            }
        }
    }
}
