using ChatApp.Presence;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Contracts;

/// <summary>The <see cref="IPresenceStore"/> contract, run against every implementation; every test starts with nobody seen.</summary>
public abstract class PresenceStoreContract : IAsyncLifetime
{
    const long Alice = 1, Bob = 2;
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    // Well inside and past the timeout, so a store that keeps times to the second still agrees.
    static readonly TimeSpan JustInside = Timeout - TimeSpan.FromSeconds(1), JustPast = Timeout + TimeSpan.FromSeconds(1);

    readonly List<object> _created = [];

    protected ManualTimeProvider Clock { get; } = new();
    protected IPresenceStore Store { get; private set; } = null!;

    /// <summary>An empty store that reads time from <paramref name="time"/> and uses <paramref name="options"/>' timeout.</summary>
    protected abstract Task<IPresenceStore> CreateStoreAsync(TimeProvider time, PresenceOptions options);

    public virtual async Task InitializeAsync()
    {
        Store = await CreateStoreAsync(Clock, new PresenceOptions { HeartbeatInterval = TimeSpan.FromSeconds(5), Timeout = Timeout });
        _created.Add(Store);
    }

    public virtual Task DisposeAsync() => Disposal.DisposeAllAsync(_created);

    static CancellationToken None => CancellationToken.None;

    Task<PresenceState> GetAsync(long userId) => Store.GetAsync(userId, None).AsTask();

    [Fact]
    public async Task A_user_never_seen_is_offline_with_no_last_seen()
    {
        Assert.Equal(new PresenceState(Alice, false, null), await GetAsync(Alice));
    }

    [Fact]
    public async Task A_connected_user_is_online_and_last_seen_when_they_connected()
    {
        var connectedAt = Clock.GetUtcNow();

        await Store.ConnectedAsync(Alice, 10, None);

        Assert.Equal(new PresenceState(Alice, true, connectedAt), await GetAsync(Alice));
        Assert.Equal(new PresenceState(Bob, false, null), await GetAsync(Bob));
    }

    [Fact]
    public async Task Disconnecting_the_only_connection_makes_the_user_offline_at_once()
    {
        await Store.ConnectedAsync(Alice, 10, None);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var wentOffline = await Store.DisconnectedAsync(Alice, 10, None);

        Assert.True(wentOffline);
        Assert.False((await GetAsync(Alice)).Online);
    }

    [Fact]
    public async Task A_user_stays_online_until_the_last_of_several_connections_disconnects()
    {
        await Store.ConnectedAsync(Alice, 10, None);
        await Store.ConnectedAsync(Alice, 11, None);
        await Store.ConnectedAsync(Alice, 12, None);

        Assert.False(await Store.DisconnectedAsync(Alice, 11, None));
        Assert.True((await GetAsync(Alice)).Online);
        Assert.False(await Store.DisconnectedAsync(Alice, 10, None));
        Assert.True((await GetAsync(Alice)).Online);

        Assert.True(await Store.DisconnectedAsync(Alice, 12, None));
        Assert.False((await GetAsync(Alice)).Online);
    }

    [Fact]
    public async Task Disconnecting_an_unknown_connection_returns_false_and_changes_nothing()
    {
        await Store.ConnectedAsync(Alice, 10, None);

        Assert.False(await Store.DisconnectedAsync(Alice, 99, None));
        Assert.False(await Store.DisconnectedAsync(Bob, 10, None));

        Assert.True((await GetAsync(Alice)).Online);
        Assert.False((await GetAsync(Bob)).Online);
    }

    [Fact]
    public async Task A_user_whose_connection_stops_reporting_for_longer_than_the_timeout_is_offline()
    {
        await Store.ConnectedAsync(Alice, 10, None);

        Clock.Advance(JustInside);
        Assert.True((await GetAsync(Alice)).Online);

        Clock.Advance(JustPast - JustInside);
        Assert.False((await GetAsync(Alice)).Online);
    }

    [Fact]
    public async Task Heartbeats_keep_a_user_online_past_the_timeout()
    {
        await Store.ConnectedAsync(Alice, 10, None);
        for (var beat = 0; beat < 4; beat++)
        {
            Clock.Advance(JustInside);
            await Store.HeartbeatAsync(Alice, 10, None);
        }
        Clock.Advance(JustInside);

        Assert.True((await GetAsync(Alice)).Online);
    }

    [Fact]
    public async Task One_reporting_connection_keeps_a_user_online_while_another_has_gone_quiet()
    {
        await Store.ConnectedAsync(Alice, 10, None);
        await Store.ConnectedAsync(Alice, 11, None);
        Clock.Advance(JustInside);
        await Store.HeartbeatAsync(Alice, 11, None);
        Clock.Advance(JustPast - JustInside);

        Assert.True((await GetAsync(Alice)).Online);

        // The quiet connection no longer counts, so the reporting one was the last.
        Assert.True(await Store.DisconnectedAsync(Alice, 11, None));
        Assert.False((await GetAsync(Alice)).Online);
    }

    [Fact]
    public async Task A_heartbeat_after_going_offline_brings_the_user_back_online()
    {
        await Store.ConnectedAsync(Alice, 10, None);
        Clock.Advance(JustPast);
        Assert.False((await GetAsync(Alice)).Online);

        await Store.HeartbeatAsync(Alice, 10, None);

        Assert.True((await GetAsync(Alice)).Online);
    }

    [Fact]
    public async Task Last_seen_is_the_time_of_the_last_report_and_outlives_going_offline()
    {
        await Store.ConnectedAsync(Alice, 10, None);
        Clock.Advance(TimeSpan.FromSeconds(7));
        var lastBeat = Clock.GetUtcNow();
        await Store.HeartbeatAsync(Alice, 10, None);

        Assert.Equal(new PresenceState(Alice, true, lastBeat), await GetAsync(Alice));

        Clock.Advance(JustPast);
        Assert.Equal(new PresenceState(Alice, false, lastBeat), await GetAsync(Alice));
    }

    [Fact]
    public async Task After_a_disconnect_last_seen_lies_between_the_last_heartbeat_and_the_disconnect()
    {
        await Store.ConnectedAsync(Alice, 10, None);
        Clock.Advance(TimeSpan.FromSeconds(3));
        var lastBeat = Clock.GetUtcNow();
        await Store.HeartbeatAsync(Alice, 10, None);
        Clock.Advance(TimeSpan.FromSeconds(4));
        var disconnectedAt = Clock.GetUtcNow();

        await Store.DisconnectedAsync(Alice, 10, None);

        var state = await GetAsync(Alice);
        Assert.False(state.Online);
        Assert.NotNull(state.LastSeen);
        Assert.InRange(state.LastSeen.Value, lastBeat, disconnectedAt);
    }

    [Fact]
    public async Task Users_come_and_go_independently()
    {
        await Store.ConnectedAsync(Alice, 10, None);
        await Store.ConnectedAsync(Bob, 20, None);

        Assert.True(await Store.DisconnectedAsync(Alice, 10, None));

        Assert.False((await GetAsync(Alice)).Online);
        Assert.True((await GetAsync(Bob)).Online);
    }
}
