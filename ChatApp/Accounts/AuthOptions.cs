namespace ChatApp.Accounts;

/// <summary>Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>A token unused for this long expires; every use pushes the expiry out again (sliding).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(30);
}
