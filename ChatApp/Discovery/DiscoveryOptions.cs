namespace ChatApp.Discovery;

/// <summary>Section <c>Discovery</c>.</summary>
public sealed class DiscoveryOptions
{
    /// <summary>How often a node refreshes its registry entry.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A node silent for this long is dead to discovery.</summary>
    public TimeSpan ServerTtl { get; set; } = TimeSpan.FromSeconds(15);
}
