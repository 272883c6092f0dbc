using System.Security.Claims;
using System.Text.Encodings.Web;
using ChatApp.Operations;
using ChatApp.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatApp.Accounts;

/// <summary>
/// Bearer tokens looked up by their SHA-256 in the shared database, so every node accepts them and a
/// revocation holds everywhere at once. Browsers cannot set headers on a WebSocket, so <c>/ws</c> also
/// accepts <c>?access_token=</c>.
/// </summary>
sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<ChatDbContext> contexts, IOptions<AuthOptions> auth, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    // Sliding expiry costs a write; do it at most once an hour per device.
    static readonly TimeSpan RefreshGranularity = TimeSpan.FromHours(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken();
        if (string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();

        var hash = Tokens.Hash(token);
        // Not the request's scoped context: a WebSocket request lives as long as its socket, and so would that.
        await using var db = await contexts.CreateDbContextAsync(Context.RequestAborted);
        var device = await db.Devices.AsNoTracking()
            .Where(d => d.TokenHash == hash)
            .Select(d => new { d.Id, d.UserId, d.ExpiresAt, d.RevokedAt })
            .FirstOrDefaultAsync(Context.RequestAborted);
        var now = time.GetUtcNow().UtcDateTime;
        if (device is null || device.RevokedAt is not null || device.ExpiresAt <= now)
            return AuthenticateResult.Fail("The token is unknown, expired or revoked.");

        var lifetime = auth.Value.TokenLifetime;
        if (device.ExpiresAt - now < lifetime - RefreshGranularity)
            await db.Devices.Where(d => d.Id == device.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ExpiresAt, now + lifetime), Context.RequestAborted);

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, device.UserId.ToString()), new Claim(Tokens.DeviceClaim, device.Id.ToString())],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    string? ReadToken()
    {
        string? header = Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim();
        if (Request.Path.StartsWithSegments("/ws"))
            return Request.Query["access_token"];
        return null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Of(401, ErrorCodes.Unauthorized, "A valid bearer token is required.").ExecuteAsync(Context);
    }
}
