using System.Security.Claims;
using ChatApp.Accounts;
using ChatApp.Chat;
using ChatApp.Operations;
using ChatApp.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Conversations;

public sealed record CreateDirectRequest(string? UserId);
public sealed record SendMessageRequest(string? ClientMsgId, string? Body);
public sealed record ConversationDto(string Id, string Kind, UserDto[] Members, MessageDto? LastMessage, DateTime CreatedAt);
public sealed record ConversationListResponse(ConversationDto[] Conversations);

static class ConversationsApi
{
    const int DefaultPageSize = 50, MaxPageSize = 100;

    public static IEndpointRouteBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        group.MapPost("/direct", CreateDirect);
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapGet("/{id}/messages", History);
        group.MapPost("/{id}/messages", Send);
        return app;
    }

    static async Task<Results<Created<ConversationDto>, Ok<ConversationDto>, ProblemHttpResult>> CreateDirect(
        CreateDirectRequest? request, ClaimsPrincipal principal, ChatDbContext db, IdGenerator ids, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request?.UserId))
            return Problems.BadRequest(ErrorCodes.ValidationFailed, "'userId' is required.");
        var me = principal.UserId();
        if (!SendRules.TryParseId(request.UserId, out var other) || !await db.Users.AnyAsync(u => u.Id == other, ct))
            return Problems.NotFound(ErrorCodes.UserNotFound, $"No user has id '{request.UserId}'.");

        // One key per pair, whichever side asks: the unique index makes "created once" hold under races too.
        var key = $"{Math.Min(me, other)}:{Math.Max(me, other)}";
        var existing = await db.Conversations.AsNoTracking().Where(c => c.DirectKey == key).Select(c => c.Id).FirstOrDefaultAsync(ct);
        if (existing != 0) return TypedResults.Ok((await LoadAsync(db, [existing], ct))[0]);

        var now = time.GetUtcNow().UtcDateTime;
        var conversation = new Conversation { Id = ids.Next(), Kind = ConversationKind.Direct, DirectKey = key, CreatedAt = now };
        conversation.Members.Add(new ConversationMember { ConversationId = conversation.Id, UserId = me, JoinedAt = now });
        if (other != me) conversation.Members.Add(new ConversationMember { ConversationId = conversation.Id, UserId = other, JoinedAt = now });
        db.Conversations.Add(conversation);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var winner = await db.Conversations.AsNoTracking().Where(c => c.DirectKey == key).Select(c => c.Id).FirstOrDefaultAsync(ct);
            if (winner == 0) throw;
            return TypedResults.Ok((await LoadAsync(db, [winner], ct))[0]);
        }
        var dto = (await LoadAsync(db, [conversation.Id], ct))[0];
        return TypedResults.Created($"/api/conversations/{conversation.Id}", dto);
    }

    static async Task<Ok<ConversationListResponse>> List(ClaimsPrincipal principal, ChatDbContext db, CancellationToken ct)
    {
        var me = principal.UserId();
        var ids = await db.ConversationMembers.AsNoTracking().Where(m => m.UserId == me).Select(m => m.ConversationId).ToListAsync(ct);
        var conversations = await LoadAsync(db, ids, ct);
        // Most recent activity first: the last message's id is its time.
        return TypedResults.Ok(new ConversationListResponse([.. conversations.OrderByDescending(c => c.LastMessage?.SentAt ?? c.CreatedAt)]));
    }

    static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> Get(string id, ClaimsPrincipal principal, ChatDbContext db, CancellationToken ct)
    {
        if (await MemberConversationAsync(id, principal, db, ct) is not { } conversationId) return NotFound();
        return TypedResults.Ok((await LoadAsync(db, [conversationId], ct))[0]);
    }

    static async Task<Results<Ok<MessagePageDto>, ProblemHttpResult>> History(
        string id, ClaimsPrincipal principal, ChatDbContext db, IMessageStore store, CancellationToken ct, string? before = null, int limit = DefaultPageSize)
    {
        if (limit is < 1 or > MaxPageSize)
            return Problems.BadRequest(ErrorCodes.ValidationFailed, $"'limit' must be 1 to {MaxPageSize}.");
        long? beforeId = null;
        if (before is not null)
        {
            if (!SendRules.TryParseId(before, out var parsed))
                return Problems.BadRequest(ErrorCodes.ValidationFailed, "'before' must be a message id.");
            beforeId = parsed;
        }
        if (await MemberConversationAsync(id, principal, db, ct) is not { } conversationId) return NotFound();
        var (items, hasMore) = await store.ReadHistoryAsync(conversationId, beforeId, limit, ct);
        return TypedResults.Ok(new MessagePageDto([.. items.Select(m => m.ToDto())], hasMore));
    }

    static async Task<Results<Created<MessageDto>, Ok<MessageDto>, ProblemHttpResult>> Send(
        string id, SendMessageRequest? request, ClaimsPrincipal principal, IdGenerator ids, MessageWriter writer, CancellationToken ct)
    {
        if (SendRules.Check(request?.ClientMsgId, id, request?.Body) is { } error)
            return error.Code == ErrorCodes.ConversationNotFound ? NotFound() : Problems.BadRequest(error.Code, error.Message);
        SendRules.TryParseId(id, out var conversationId);
        var outcome = await writer.SendAsync(new NewMessage(ids.Next(), conversationId, principal.UserId(), request!.ClientMsgId!, request.Body!), ct);
        return outcome?.Status switch
        {
            AppendStatus.Stored => TypedResults.Created($"/api/conversations/{id}/messages", outcome.Message!.ToDto()),
            AppendStatus.Duplicate => TypedResults.Ok(outcome.Message!.ToDto()),
            AppendStatus.ConversationNotFound => NotFound(),
            AppendStatus.Failed => Problems.Of(StatusCodes.Status500InternalServerError, ErrorCodes.StoreFailed, "The message could not be stored: send it again with the same clientMsgId."),
            _ => Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The server is restarting: send again."),
        };
    }

    static ProblemHttpResult NotFound() => Problems.NotFound(ErrorCodes.ConversationNotFound, "No such conversation, or you are not a member.");

    /// <summary>The conversation id when the caller is a member; null for malformed ids, unknown ones and other people's alike.</summary>
    static async Task<long?> MemberConversationAsync(string id, ClaimsPrincipal principal, ChatDbContext db, CancellationToken ct)
    {
        if (!SendRules.TryParseId(id, out var conversationId)) return null;
        var me = principal.UserId();
        return await db.ConversationMembers.AnyAsync(m => m.ConversationId == conversationId && m.UserId == me, ct) ? conversationId : null;
    }

    static async Task<List<ConversationDto>> LoadAsync(ChatDbContext db, List<long> ids, CancellationToken ct)
    {
        var conversations = await db.Conversations.AsNoTracking().Include(c => c.Members).Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        var memberIds = conversations.SelectMany(c => c.Members).Select(m => m.UserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => memberIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        var last = await db.Messages.AsNoTracking()
            .Where(m => ids.Contains(m.ConversationId) && m.Id == db.Messages.Where(x => x.ConversationId == m.ConversationId).Max(x => x.Id))
            .ToDictionaryAsync(m => m.ConversationId, ct);
        return [.. conversations.Select(c => new ConversationDto(
            c.Id.ToString(),
            c.Kind == ConversationKind.Direct ? "direct" : "group",
            [.. c.Members.OrderBy(m => m.UserId).Select(m => users[m.UserId].ToDto())],
            last.TryGetValue(c.Id, out var m) ? new StoredMessage(m.Id, m.ConversationId, m.SenderId, m.ClientMsgId, m.Body).ToDto() : null,
            c.CreatedAt))];
    }
}
