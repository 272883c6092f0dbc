namespace ChatApp.Presence;

/// <summary>Section <c>Presence</c>.</summary>
public sealed class PresenceOptions
{
    /// <summary>How often clients send a heartbeat (told to them in the hello frame).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A user with no heartbeat for this long is offline.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
