using ChatApp.Messaging;
using ChatApp.Operations;
using ChatApp.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using System.Security.Claims;

namespace ChatApp.Accounts;

public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName);
public sealed record LoginRequest(string? Username, string? Password, string? DeviceName);
public sealed record LoginResponse(string AccessToken, string UserId, string DeviceId);
public sealed record UserSearchResponse(UserDto[] Users);

static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/register", Register).Validate<RegisterRequest>().AllowAnonymous();
        auth.MapPost("/login", Login).Validate<LoginRequest>().AllowAnonymous();
        auth.MapPost("/logout", Logout).RequireAuthorization();

        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization();
        users.MapGet("/me", Me);
        users.MapGet("/{id}", ById);
        users.MapGet("/", Search);
        return app;
    }

    static async Task<Results<Created<UserDto>, ProblemHttpResult>> Register(
        RegisterRequest request, ChatDbContext db, IdGenerator ids, IPasswordHasher<User> hasher, TimeProvider time, CancellationToken ct)
    {
        var username = request.Username!.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.Username == username, ct))
            return Taken(username);
        var user = new User
        {
            Id = ids.Next(),
            Username = username,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? username : request.DisplayName.Trim(),
            PasswordHash = "",
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Users.AsNoTracking().AnyAsync(u => u.Username == username, ct))
                return Taken(username); // lost a race with another registration of the same name
            throw;
        }
        return TypedResults.Created($"/api/users/{user.Id}", user.ToDto());
    }

    static ProblemHttpResult Taken(string username) =>
        Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.UsernameTaken, $"The username '{username}' is taken.");

    static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> Login(
        LoginRequest request, ChatDbContext db, IdGenerator ids, IPasswordHasher<User> hasher,
        IOptions<AuthOptions> options, TimeProvider time, CancellationToken ct)
    {
        var username = request.Username!.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username == username, ct);
        // Hash even for an unknown user, so the answer's timing does not tell which usernames exist.
        var verdict = hasher.VerifyHashedPassword(user ?? DummyUser, user?.PasswordHash ?? DummyHash, request.Password!);
        if (user is null || verdict == PasswordVerificationResult.Failed)
            return Problems.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "Wrong username or password.");

        var token = Tokens.Create();
        var now = time.GetUtcNow().UtcDateTime;
        var device = new Device
        {
            Id = ids.Next(),
            UserId = user.Id,
            Name = string.IsNullOrWhiteSpace(request.DeviceName) ? "device" : request.DeviceName.Trim(),
            TokenHash = Tokens.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + options.Value.TokenLifetime,
        };
        db.Devices.Add(device);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new LoginResponse(token, user.Id.ToString(), device.Id.ToString()));
    }

    static readonly User DummyUser = new() { Username = "", DisplayName = "", PasswordHash = "" };
    static readonly string DummyHash = new PasswordHasher<User>().HashPassword(DummyUser, Guid.NewGuid().ToString());

    static async Task<NoContent> Logout(ClaimsPrincipal principal, ChatDbContext db, IMessageBus bus, TimeProvider time, CancellationToken ct)
    {
        var deviceId = principal.DeviceId();
        var now = time.GetUtcNow().UtcDateTime;
        await db.Devices.Where(d => d.Id == deviceId).ExecuteUpdateAsync(s => s.SetProperty(d => d.RevokedAt, now), ct);
        // The token is dead in the database; now close the device's sockets on whichever node holds them.
        await bus.PublishAsync(new DeviceRevoked(principal.UserId(), deviceId), ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<UserDto>, ProblemHttpResult>> Me(ClaimsPrincipal principal, ChatDbContext db, CancellationToken ct) =>
        await ById(principal.UserId().ToString(), db, ct);

    static async Task<Results<Ok<UserDto>, ProblemHttpResult>> ById(string id, ChatDbContext db, CancellationToken ct)
    {
        var user = long.TryParse(id, out var userId) ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct) : null;
        return user is null
            ? Problems.NotFound(ErrorCodes.UserNotFound, $"No user has id '{id}'.")
            : TypedResults.Ok(user.ToDto());
    }

    static async Task<Results<Ok<UserSearchResponse>, ProblemHttpResult>> Search(string? query, ChatDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(query))
            return Problems.BadRequest(ErrorCodes.ValidationFailed, "The query parameter 'query' (a username prefix) is required.");
        var prefix = query.Trim().ToLowerInvariant();
        var users = await db.Users.AsNoTracking()
            .Where(u => u.Username.StartsWith(prefix))
            .OrderBy(u => u.Username).Take(20)
            .ToListAsync(ct);
        return TypedResults.Ok(new UserSearchResponse([.. users.Select(u => u.ToDto())]));
    }
}
