using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatApp.Accounts;

static class Tokens
{
    public const string DeviceClaim = "device";

    /// <summary>A random 256-bit token, base64url (43 characters).</summary>
    public static string Create() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    // A fast hash is enough: the token has 256 bits of entropy, unlike a password.
    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    public static long UserId(this ClaimsPrincipal user) => long.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);

    public static long DeviceId(this ClaimsPrincipal user) => long.Parse(user.FindFirstValue(DeviceClaim)!);
}
