namespace ChatApp.Storage;

/// <summary>A message accepted for storing; validated already (lengths, required fields).</summary>
public sealed record NewMessage(long Id, long ConversationId, long SenderId, string ClientMsgId, string Body);

/// <summary>A message as stored; <see cref="SentAt"/> is the time encoded in its id.</summary>
public sealed record StoredMessage(long Id, long ConversationId, long SenderId, string ClientMsgId, string Body)
{
    public DateTimeOffset SentAt => IdGenerator.TimeOf(Id);
}

public enum AppendStatus
{
    /// <summary>Stored now, with one inbox entry per member.</summary>
    Stored,
    /// <summary>The sender already sent this clientMsgId: <see cref="AppendOutcome.Message"/> is the original and nothing new was stored.</summary>
    Duplicate,
    /// <summary>The conversation does not exist or the sender is not a member. Nothing was stored.</summary>
    ConversationNotFound,
    /// <summary>The store could not write this message (an I/O or constraint failure). Nothing was stored; a retry with the same clientMsgId is safe.</summary>
    Failed,
}

/// <summary>A member's inbox entry created for a stored message.</summary>
public readonly record struct Recipient(long UserId, long Seq);

public sealed record AppendOutcome(AppendStatus Status, StoredMessage? Message, long SenderSeq, Recipient[] Recipients)
{
    public static readonly AppendOutcome NotFound = new(AppendStatus.ConversationNotFound, null, 0, []);
    public static readonly AppendOutcome Failed = new(AppendStatus.Failed, null, 0, []);
}

public sealed record InboxItem(long Seq, StoredMessage Message);

/// <summary>
/// The message store: messages keyed by (conversation, id) and each user's inbox keyed by (user, seq).
/// <para>Contract, for every implementation:</para>
/// <list type="bullet">
/// <item><see cref="AppendAsync"/> stores a batch in as few transactions as it can and returns one outcome per
/// input, in input order. Each stored message gets exactly one inbox entry per member (sender included); each
/// user's seqs rise by exactly one with no gap, are assigned inside the transaction that stores the message,
/// and follow the batch order. A batch is all-or-nothing only per message: one message that cannot be stored
/// never fails the others.</item>
/// <item>A (sender, clientMsgId) pair is stored at most once, across batches, restarts and nodes; a repeat
/// returns <see cref="AppendStatus.Duplicate"/> with the original message and the sender's original seq.</item>
/// <item>When <see cref="AppendAsync"/> returns, every <see cref="AppendStatus.Stored"/> outcome is durable.</item>
/// <item>Reads see only committed data. All members are thread-safe.</item>
/// </list>
/// </summary>
public interface IMessageStore
{
    Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<NewMessage> batch, CancellationToken cancellationToken);

    /// <summary>The user's inbox entries with seq &gt; <paramref name="afterSeq"/>, ascending, at most <paramref name="limit"/>; <c>hasMore</c> tells whether more follow.</summary>
    Task<(IReadOnlyList<InboxItem> Items, bool HasMore)> ReadInboxAsync(long userId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> messages of a conversation with id &lt; <paramref name="beforeId"/> (all when null), returned ascending.</summary>
    Task<(IReadOnlyList<StoredMessage> Items, bool HasMore)> ReadHistoryAsync(long conversationId, long? beforeId, int limit, CancellationToken cancellationToken);
}
