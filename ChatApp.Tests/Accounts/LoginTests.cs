using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Accounts;

public sealed class LoginTests : AppTest
{
    async Task<(string Id, string Username)> RegisterAsync()
    {
        var username = TestClient.UniqueName("login");
        var user = await (await Client.Http.PostAsJsonAsync("/api/auth/register", new { username, password = TestClient.Password }))
            .ReadJsonAsync(HttpStatusCode.Created);
        return (user.GetProperty("id").GetString()!, username);
    }

    [Fact]
    public async Task Logging_in_answers_200_with_a_token_the_user_id_and_a_device_id()
    {
        var (id, username) = await RegisterAsync();

        var response = await Client.Http.PostAsJsonAsync("/api/auth/login", new { username, password = TestClient.Password, deviceName = "phone" });

        var session = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, session.GetProperty("userId").GetString());
        Assert.Equal(JsonValueKind.String, session.GetProperty("deviceId").ValueKind);
        Assert.True(long.TryParse(session.GetProperty("deviceId").GetString(), out _));
        // A random 256-bit value, base64url: 43 characters.
        Assert.Matches("^[A-Za-z0-9_-]{43}$", session.GetProperty("accessToken").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401_answer()
    {
        var (_, username) = await RegisterAsync();

        var wrongPassword = await Client.Http.PostAsJsonAsync("/api/auth/login", new { username, password = "not the password" });
        var unknownUser = await Client.Http.PostAsJsonAsync("/api/auth/login", new { username = "nobody_" + username, password = TestClient.Password });

        var first = await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        var second = await unknownUser.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(first.WithoutTraceId(), second.WithoutTraceId());
    }

    [Fact]
    public async Task Missing_credentials_are_a_validation_problem()
    {
        var response = await Client.Http.PostAsJsonAsync("/api/auth/login", new { username = "" });

        await response.AssertValidationProblemAsync("username", "password");
    }

    [Fact]
    public async Task Each_login_is_a_new_device_and_both_tokens_work_at_once()
    {
        var alice = await Client.SignUpAsync(deviceName: "laptop");
        var phone = await Client.LoginAsync(alice.Username, "phone");

        Assert.NotEqual(alice.DeviceId, phone.DeviceId);
        Assert.NotEqual(alice.Token, phone.Token);
        Assert.Equal(alice.UserId, phone.UserId);
        foreach (var device in new[] { alice, phone })
        {
            var me = await (await Client.As(device).GetAsync("/api/users/me")).ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(alice.UserId, me.GetProperty("id").GetString());
            // The socket knows which device it belongs to.
            await using var ws = await Client.ConnectAsync(device);
            Assert.Equal(device.DeviceId, ws.Hello.GetProperty("deviceId").GetString());
        }
    }
}
