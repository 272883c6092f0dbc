using ChatApp.Messaging;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Contracts;

/// <summary>The <see cref="IRouteRegistry"/> contract, run against every implementation; every test starts on an empty registry.</summary>
public abstract class RouteRegistryContract : IAsyncLifetime
{
    const long Alice = 1, Bob = 2;
    readonly List<object> _created = [];

    protected IRouteRegistry Registry { get; private set; } = null!;

    /// <summary>An empty registry for this test.</summary>
    protected abstract Task<IRouteRegistry> CreateRegistryAsync();

    public virtual async Task InitializeAsync()
    {
        Registry = await CreateRegistryAsync();
        _created.Add(Registry);
    }

    public virtual Task DisposeAsync() => Disposal.DisposeAllAsync(_created);

    static CancellationToken None => CancellationToken.None;

    async Task<Route[]> RoutesAsync(long userId) => [.. (await Registry.GetRoutesAsync(userId, None)).OrderBy(r => r.ServerId).ThenBy(r => r.ConnectionId)];

    [Fact]
    public async Task A_user_without_connections_has_no_routes()
    {
        await Registry.AddAsync(new Route(Alice, 10, 100, "node-1"), None);

        Assert.Empty(await RoutesAsync(Bob));
    }

    [Fact]
    public async Task An_added_route_is_listed_for_its_user_only()
    {
        var route = new Route(Alice, 10, 100, "node-1");

        await Registry.AddAsync(route, None);

        Assert.Equal([route], await RoutesAsync(Alice));
        Assert.Empty(await RoutesAsync(Bob));
    }

    [Fact]
    public async Task Every_connection_of_a_user_is_listed_across_devices_and_nodes()
    {
        Route[] routes =
        [
            new(Alice, 10, 100, "node-1"),
            new(Alice, 10, 101, "node-1"),
            new(Alice, 11, 100, "node-2"),
        ];
        var bobs = new Route(Bob, 20, 102, "node-1");

        foreach (var route in routes) await Registry.AddAsync(route, None);
        await Registry.AddAsync(bobs, None);

        Assert.Equal(routes, await RoutesAsync(Alice));
        Assert.Equal([bobs], await RoutesAsync(Bob));
    }

    [Fact]
    public async Task Adding_the_same_route_twice_lists_it_once()
    {
        var route = new Route(Alice, 10, 100, "node-1");

        await Registry.AddAsync(route, None);
        await Registry.AddAsync(route, None);

        Assert.Equal([route], await RoutesAsync(Alice));
    }

    [Fact]
    public async Task Removing_a_route_leaves_the_users_other_routes()
    {
        var kept = new Route(Alice, 10, 100, "node-1");
        var removed = new Route(Alice, 11, 101, "node-1");
        await Registry.AddAsync(kept, None);
        await Registry.AddAsync(removed, None);

        await Registry.RemoveAsync(removed, None);

        Assert.Equal([kept], await RoutesAsync(Alice));
    }

    [Fact]
    public async Task Removing_twice_or_removing_an_unknown_route_changes_nothing()
    {
        var kept = new Route(Alice, 10, 100, "node-1");
        var removed = new Route(Alice, 11, 101, "node-1");
        await Registry.AddAsync(kept, None);
        await Registry.AddAsync(removed, None);

        await Registry.RemoveAsync(removed, None);
        await Registry.RemoveAsync(removed, None);
        await Registry.RemoveAsync(new Route(Bob, 20, 200, "node-1"), None);
        // Same connection id on another node is another route.
        await Registry.RemoveAsync(kept with { ServerId = "node-2" }, None);

        Assert.Equal([kept], await RoutesAsync(Alice));
        Assert.Empty(await RoutesAsync(Bob));
    }

    [Fact]
    public async Task A_user_whose_last_route_is_removed_has_none_and_can_be_added_again()
    {
        var route = new Route(Alice, 10, 100, "node-1");
        await Registry.AddAsync(route, None);
        await Registry.RemoveAsync(route, None);

        Assert.Empty(await RoutesAsync(Alice));

        await Registry.AddAsync(route, None);
        Assert.Equal([route], await RoutesAsync(Alice));
    }

    [Fact]
    public async Task Concurrent_adds_and_removes_leave_exactly_the_live_routes()
    {
        // Each task opens connections for both users and closes every third one, as sockets coming and going at once would.
        var perTask = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var live = new List<Route>();
            for (var i = 0; i < 50; i++)
            {
                var route = new Route(i % 2 == 0 ? Alice : Bob, t, t * 1000 + i, $"node-{t % 3}");
                await Registry.AddAsync(route, None);
                if (i % 3 == 0) await Registry.RemoveAsync(route, None);
                else live.Add(route);
            }
            return live;
        })));

        var expected = perTask.SelectMany(r => r).OrderBy(r => r.ServerId).ThenBy(r => r.ConnectionId).ToList();
        Assert.Equal(expected.Where(r => r.UserId == Alice), await RoutesAsync(Alice));
        Assert.Equal(expected.Where(r => r.UserId == Bob), await RoutesAsync(Bob));
    }
}
