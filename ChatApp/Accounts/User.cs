namespace ChatApp.Accounts;

public sealed class User
{
    public long Id { get; set; }
    /// <summary>Lower-case, 3-32 of [a-z0-9_.-]; unique.</summary>
    public required string Username { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One login: a device session with its own revocable token.</summary>
public sealed class Device
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public required string Name { get; set; }
    /// <summary>SHA-256 of the bearer token; the token itself is never stored.</summary>
    public required byte[] TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

public sealed record UserDto(string Id, string Username, string DisplayName);

static class UserMappings
{
    public static UserDto ToDto(this User u) => new(u.Id.ToString(), u.Username, u.DisplayName);
}
