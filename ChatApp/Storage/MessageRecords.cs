namespace ChatApp.Storage;

/// <summary>A stored message, keyed by (ConversationId, Id) like a key-value store's range key.</summary>
public sealed class MessageRecord
{
    public long ConversationId { get; set; }
    public long Id { get; set; }
    public long SenderId { get; set; }
    public required string ClientMsgId { get; set; }
    public required string Body { get; set; }
    /// <summary>The sender's own inbox seq for this message, so a retried send can be acked again.</summary>
    public long SenderSeq { get; set; }
}

public enum InboxEntryKind { Message = 1 }

/// <summary>One entry of a user's message sync queue, keyed by (UserId, Seq).</summary>
public sealed class InboxEntry
{
    public long UserId { get; set; }
    public long Seq { get; set; }
    public InboxEntryKind Kind { get; set; }
    public long ConversationId { get; set; }
    public long MessageId { get; set; }
}

/// <summary>The per-user counter row: the highest seq handed out, bumped inside each write transaction.</summary>
public sealed class InboxHead
{
    public long UserId { get; set; }
    public long LastSeq { get; set; }
}
