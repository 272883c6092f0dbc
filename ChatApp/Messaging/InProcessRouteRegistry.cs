namespace ChatApp.Messaging;

/// <summary>The routes of one node's connections, held in memory.</summary>
public sealed class InProcessRouteRegistry : IRouteRegistry
{
    readonly Dictionary<long, List<Route>> _byUser = [];
    readonly Lock _lock = new();

    /// <inheritdoc/>
    public ValueTask AddAsync(Route route, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_byUser.TryGetValue(route.UserId, out var routes)) _byUser[route.UserId] = routes = new(1);
            if (!routes.Contains(route)) routes.Add(route);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(Route route, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Drop the empty entry so a departed user costs nothing.
            if (_byUser.TryGetValue(route.UserId, out var routes) && routes.Remove(route) && routes.Count == 0)
                _byUser.Remove(route.UserId);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<Route>> GetRoutesAsync(long userId, CancellationToken cancellationToken)
    {
        lock (_lock)
            return ValueTask.FromResult<IReadOnlyList<Route>>(_byUser.TryGetValue(userId, out var routes) ? [.. routes] : []);
    }
}
