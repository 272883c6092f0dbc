namespace ChatApp.Conversations;

public enum ConversationKind { Direct = 1, Group = 2 }

public sealed class Conversation
{
    public long Id { get; set; }
    public ConversationKind Kind { get; set; }
    /// <summary>"smallerUserId:largerUserId" for direct conversations, so a pair has exactly one.</summary>
    public string? DirectKey { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<ConversationMember> Members { get; set; } = [];
}

public sealed class ConversationMember
{
    public long ConversationId { get; set; }
    public long UserId { get; set; }
    public DateTime JoinedAt { get; set; }
}
