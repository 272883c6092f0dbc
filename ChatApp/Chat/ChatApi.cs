using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json;
using ChatApp.Accounts;
using ChatApp.Discovery;
using ChatApp.Messaging;
using ChatApp.Operations;
using ChatApp.Presence;
using ChatApp.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatApp.Chat;

static class ChatApi
{
    public static WebApplication MapChat(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapGet("/ws", Connect).WithTags("Chat").RequireAuthorization()
            .WithSummary("WebSocket upgrade for the chat protocol (see docs/protocol.md); token in Authorization or ?access_token=.");
        app.MapGet("/api/sync", Sync).WithTags("Chat").RequireAuthorization()
            .WithSummary("The caller's inbox entries after a seq, in seq order.");
        return app;
    }

    static async Task<IResult> Connect(
        HttpContext context, ClaimsPrincipal principal, ChatRuntime runtime, IRouteRegistry routes, ServerIdentity server,
        IOptions<PresenceOptions> presence, CancellationToken aborted)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            return Problems.BadRequest(ErrorCodes.InvalidRequest, "This endpoint takes a WebSocket upgrade.");
        if (runtime.Connections.Draining)
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "This server is restarting: ask discovery for another.");
        if (runtime.Connections.Load >= runtime.MaxConnections)
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "This server is full: ask discovery for another.");

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new ChatConnection(runtime.Ids.Next(), principal.UserId(), principal.DeviceId(), socket, runtime);
        var route = new Messaging.Route(connection.UserId, connection.DeviceId, connection.Id, server.ServerId);
        runtime.Connections.Add(connection);
        try
        {
            await routes.AddAsync(route, aborted);
            await runtime.Presence.ConnectedAsync(connection.UserId, connection.Id, aborted);
            var hello = JsonSerializer.SerializeToUtf8Bytes(new HelloFrame(connection.DeviceId.ToString(), server.ServerId,
                (long)presence.Value.HeartbeatInterval.TotalMilliseconds, (long)presence.Value.Timeout.TotalMilliseconds), Frames.Json.HelloFrame);
            await connection.RunAsync(hello, aborted);
        }
        finally
        {
            runtime.Connections.Remove(connection);
            await routes.RemoveAsync(route, CancellationToken.None);
            await runtime.Presence.DisconnectedAsync(connection.UserId, connection.Id, CancellationToken.None);
        }
        return Results.Empty;
    }

    static async Task<Results<Ok<SyncResponse>, ProblemHttpResult>> Sync(
        ClaimsPrincipal principal, IMessageStore store, CancellationToken ct, long after = 0, int limit = SendRules.DefaultSyncLimit)
    {
        if (after < 0) return Problems.BadRequest(ErrorCodes.ValidationFailed, "'after' must be a seq: an integer >= 0.");
        if (limit is < 1 or > SendRules.MaxSyncLimit)
            return Problems.BadRequest(ErrorCodes.ValidationFailed, $"'limit' must be 1 to {SendRules.MaxSyncLimit}.");
        var (items, hasMore) = await store.ReadInboxAsync(principal.UserId(), after, limit, ct);
        return TypedResults.Ok(new SyncResponse([.. items.Select(i => new InboxItemDto(i.Seq, i.Message.ToDto()))], hasMore));
    }
}

public static class ChatExtensions
{
    public static IHostApplicationBuilder AddChat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatOptions>().BindConfiguration("Chat")
            .Validate(o => o.MaxFrameBytes >= 1024, "Chat:MaxFrameBytes must be at least 1024.")
            .Validate(o => o.FramesPerSecond > 0 && o.FrameBurst >= 1, "Chat:FramesPerSecond and Chat:FrameBurst must be positive.")
            .Validate(o => o.MaxConnections >= 0, "Chat:MaxConnections must be 0 (derive from the open-file limit) or positive.")
            .Validate(o => o.OutgoingQueueLimit >= 16 && o.WriteQueueCapacity >= 1 && o.MaxBatchSize >= 1, "Chat queue sizes must be positive.")
            .ValidateOnStart();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ChatJsonContext.Default));
        builder.Services.AddSingleton<ConnectionManager>();
        builder.Services.AddSingleton<ILocalEventSink>(sp => sp.GetRequiredService<ConnectionManager>());
        builder.Services.AddSingleton<IChatServerLoad>(sp => sp.GetRequiredService<ConnectionManager>());
        builder.Services.AddSingleton<MessageWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MessageWriter>());
        builder.Services.AddHostedService<ChatShutdown>();
        builder.Services.AddSingleton<ChatRuntime>();
        // Kestrel refuses connections beyond this cap instead of failing to accept them when descriptors run out.
        if (OpenFileLimit.Soft is { } files)
            builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
                o => o.Limits.MaxConcurrentConnections ??= Math.Max(64, files - OpenFileLimit.KestrelReserve));
        return builder;
    }
}
