namespace ChatApp.Presence;

public sealed record PresenceState(long UserId, bool Online, DateTimeOffset? LastSeen);

/// <summary>
/// Online state per user, from the connections that report in.
/// <para>Contract: a user is online while at least one of their connections has reported within
/// <see cref="PresenceOptions.Timeout"/>; <see cref="DisconnectedAsync"/> of the last connection makes them offline
/// at once, and returns true when that happened. <c>LastSeen</c> is the time of the last report. Thread-safe.</para>
/// </summary>
public interface IPresenceStore
{
    ValueTask ConnectedAsync(long userId, long connectionId, CancellationToken cancellationToken);
    ValueTask HeartbeatAsync(long userId, long connectionId, CancellationToken cancellationToken);
    ValueTask<bool> DisconnectedAsync(long userId, long connectionId, CancellationToken cancellationToken);
    ValueTask<PresenceState> GetAsync(long userId, CancellationToken cancellationToken);
}
