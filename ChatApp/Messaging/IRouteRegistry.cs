namespace ChatApp.Messaging;

/// <summary>One live socket: which node holds it, for which user and device.</summary>
public readonly record struct Route(long UserId, long DeviceId, long ConnectionId, string ServerId);

/// <summary>
/// Which nodes hold a user's connections, so a scaled-out bus sends each event only where it is needed.
/// <para>Contract: <see cref="AddAsync"/> and <see cref="RemoveAsync"/> are idempotent; a route added and not
/// removed is listed by <see cref="GetRoutesAsync"/> until its node stops refreshing it (an implementation shared
/// between nodes expires the routes of a dead node). Thread-safe.</para>
/// </summary>
public interface IRouteRegistry
{
    ValueTask AddAsync(Route route, CancellationToken cancellationToken);
    ValueTask RemoveAsync(Route route, CancellationToken cancellationToken);
    ValueTask<IReadOnlyList<Route>> GetRoutesAsync(long userId, CancellationToken cancellationToken);
}
