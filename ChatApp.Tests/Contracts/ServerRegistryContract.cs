using ChatApp.Discovery;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Contracts;

/// <summary>The <see cref="IServerRegistry"/> contract, run against every implementation; every test starts on an empty registry.</summary>
public abstract class ServerRegistryContract : IAsyncLifetime
{
    protected static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    // Well inside and past the TTL, so a store that keeps times to the second still agrees.
    static readonly TimeSpan JustInside = Ttl - TimeSpan.FromSeconds(1), JustPast = Ttl + TimeSpan.FromSeconds(1);

    readonly List<object> _created = [];

    protected ManualTimeProvider Clock { get; } = new();
    protected IServerRegistry Registry { get; private set; } = null!;

    /// <summary>An empty registry that reads time from <paramref name="time"/> and uses <paramref name="options"/>' TTL.</summary>
    protected abstract Task<IServerRegistry> CreateRegistryAsync(TimeProvider time, DiscoveryOptions options);

    public virtual async Task InitializeAsync()
    {
        Registry = await CreateRegistryAsync(Clock, new DiscoveryOptions { ServerTtl = Ttl });
        _created.Add(Registry);
    }

    public virtual Task DisposeAsync() => Disposal.DisposeAllAsync(_created);

    static CancellationToken None => CancellationToken.None;

    /// <summary>A heartbeat sent now, as <c>ServerHeartbeat</c> sends it.</summary>
    Task HeartbeatAsync(string serverId, int load, string? url = null) =>
        Registry.HeartbeatAsync(new ServerInfo(serverId, url, load, Clock.GetUtcNow()), None).AsTask();

    async Task<(string Id, string? Url, int Load)[]> AliveAsync() =>
        [.. (await Registry.GetAliveAsync(None)).Select(s => (s.ServerId, s.Url, s.Load))];

    [Fact]
    public async Task An_empty_registry_lists_no_servers()
    {
        Assert.Empty(await AliveAsync());
    }

    [Fact]
    public async Task A_server_that_sent_a_heartbeat_is_listed_as_alive()
    {
        await HeartbeatAsync("node-1", 3, "wss://one.example/ws");

        Assert.Equal([("node-1", "wss://one.example/ws", 3)], await AliveAsync());
    }

    [Fact]
    public async Task Servers_are_listed_least_loaded_first_with_ties_broken_by_server_id()
    {
        await HeartbeatAsync("node-c", 5);
        await HeartbeatAsync("node-d", 1);
        await HeartbeatAsync("node-b", 5);
        await HeartbeatAsync("node-a", 9);

        Assert.Equal(["node-d", "node-b", "node-c", "node-a"], (await AliveAsync()).Select(s => s.Id));
    }

    [Fact]
    public async Task A_newer_heartbeat_replaces_the_servers_entry()
    {
        await HeartbeatAsync("node-1", 1, "wss://old.example/ws");
        await HeartbeatAsync("node-2", 5);
        Clock.Advance(TimeSpan.FromSeconds(5));

        await HeartbeatAsync("node-1", 9, "wss://new.example/ws");

        Assert.Equal([("node-2", null, 5), ("node-1", "wss://new.example/ws", 9)], await AliveAsync());
    }

    [Fact]
    public async Task A_server_silent_for_longer_than_the_ttl_is_no_longer_listed()
    {
        await HeartbeatAsync("node-1", 1);
        Clock.Advance(TimeSpan.FromSeconds(2));
        await HeartbeatAsync("node-2", 2);

        Clock.Advance(JustInside - TimeSpan.FromSeconds(2));
        Assert.Equal(["node-1", "node-2"], (await AliveAsync()).Select(s => s.Id));

        Clock.Advance(JustPast - JustInside);
        Assert.Equal(["node-2"], (await AliveAsync()).Select(s => s.Id));

        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await AliveAsync());
    }

    [Fact]
    public async Task Regular_heartbeats_keep_a_server_listed_past_the_ttl()
    {
        for (var beat = 0; beat < 5; beat++)
        {
            await HeartbeatAsync("node-1", beat);
            Clock.Advance(JustInside);
        }

        Assert.Equal([("node-1", null, 4)], await AliveAsync());
    }

    [Fact]
    public async Task A_removed_server_disappears_at_once_and_returns_with_its_next_heartbeat()
    {
        await HeartbeatAsync("node-1", 1);
        await HeartbeatAsync("node-2", 2);

        await Registry.RemoveAsync("node-1", None);
        Assert.Equal(["node-2"], (await AliveAsync()).Select(s => s.Id));

        await HeartbeatAsync("node-1", 1);
        Assert.Equal(["node-1", "node-2"], (await AliveAsync()).Select(s => s.Id));
    }

    [Fact]
    public async Task Removing_an_unknown_server_changes_nothing()
    {
        await HeartbeatAsync("node-1", 1);

        await Registry.RemoveAsync("node-9", None);

        Assert.Equal(["node-1"], (await AliveAsync()).Select(s => s.Id));
    }
}
