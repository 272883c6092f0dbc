namespace ChatApp.Push;

/// <summary>What a push notification says about a new message; never the full body of a long one.</summary>
public sealed record PushNotification(long UserId, long ConversationId, long MessageId, string SenderName, string Preview);

/// <summary>
/// Sends push notifications to users with no online device.
/// <para>Contract: <see cref="SendAsync"/> is called off the chat path; it may retry, and it removes subscriptions
/// the push service reports gone. It never throws for a user without subscriptions. Thread-safe.</para>
/// </summary>
public interface IPushSender
{
    ValueTask SendAsync(PushNotification notification, CancellationToken cancellationToken);
}

/// <summary>
/// The default until Web Push is configured: there are no subscriptions to send to, so nothing is sent.
/// </summary>
public sealed class DisabledPushSender : IPushSender
{
    /// <inheritdoc/>
    public ValueTask SendAsync(PushNotification notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
