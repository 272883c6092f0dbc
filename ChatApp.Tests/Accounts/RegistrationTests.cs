using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Accounts;

public sealed class RegistrationTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new();
    HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    static string Name(string prefix = "r") => $"{prefix}{Guid.NewGuid():N}"[..20];

    Task<HttpResponseMessage> RegisterAsync(object body) => _http.PostAsJsonAsync("/api/auth/register", body);

    [Fact]
    public async Task Registering_answers_201_with_the_new_user_and_its_id_as_a_string()
    {
        var username = Name();

        var response = await RegisterAsync(new { username, password = TestClient.Password, displayName = "  Alice A.  " });

        var user = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.String, user.GetProperty("id").ValueKind);
        Assert.True(long.TryParse(user.GetProperty("id").GetString(), out var id) && id > 0);
        Assert.Equal(username, user.GetProperty("username").GetString());
        Assert.Equal("Alice A.", user.GetProperty("displayName").GetString());
        Assert.Equal($"/api/users/{id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Without_a_display_name_the_username_is_the_display_name()
    {
        var username = Name();

        var user = await (await RegisterAsync(new { username, password = TestClient.Password })).ReadJsonAsync(HttpStatusCode.Created);

        Assert.Equal(username, user.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task An_upper_case_username_is_stored_lower_case_and_then_counts_as_taken()
    {
        var lower = Name("alice");
        var upper = lower.ToUpperInvariant();

        var first = await (await RegisterAsync(new { username = upper, password = TestClient.Password })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(lower, first.GetProperty("username").GetString());

        var again = await RegisterAsync(new { username = lower, password = TestClient.Password });
        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict, "username_taken");
        Assert.Contains(lower, problem.GetProperty("detail").GetString());

        // The upper-case spelling logs in to the same account.
        var login = await _http.PostAsJsonAsync("/api/auth/login", new { username = upper, password = TestClient.Password });
        var session = await login.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("id").GetString(), session.GetProperty("userId").GetString());
    }

    [Theory]
    [InlineData("ab")] // too short
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")] // 33 characters: too long
    [InlineData("bad name")] // space
    [InlineData("bad!name")]
    [InlineData("名前名前")]
    public async Task A_username_that_breaks_the_rules_is_a_validation_problem_naming_the_username(string username)
    {
        var response = await RegisterAsync(new { username, password = TestClient.Password });

        await response.AssertValidationProblemAsync("username");
    }

    [Theory]
    [InlineData("abc")] // shortest legal
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")] // 32 characters: longest legal
    [InlineData("a.b-c_d9")]
    public async Task A_username_at_the_edges_of_the_rules_is_accepted(string username)
    {
        var response = await RegisterAsync(new { username, password = TestClient.Password });

        Assert.Equal(username, (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task A_password_under_8_characters_is_a_validation_problem_and_creates_nothing()
    {
        var username = Name();

        var response = await RegisterAsync(new { username, password = "1234567" });

        await response.AssertValidationProblemAsync("password");
        // Nothing was created: the same name registers fine afterwards, and logs in with its real password only.
        await (await RegisterAsync(new { username, password = "12345678" })).ReadJsonAsync(HttpStatusCode.Created);
        var login = await _http.PostAsJsonAsync("/api/auth/login", new { username, password = "12345678" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Missing_fields_are_a_validation_problem_naming_each_in_camel_case()
    {
        var response = await RegisterAsync(new { });

        var problem = await response.AssertValidationProblemAsync("username", "password");
        Assert.Contains("username", problem.GetProperty("errors").GetProperty("username")[0].GetString());
    }

    [Fact]
    public async Task A_display_name_over_64_characters_is_a_validation_problem_naming_display_name()
    {
        var response = await RegisterAsync(new { username = Name(), password = TestClient.Password, displayName = new string('d', 65) });

        await response.AssertValidationProblemAsync("displayName");
    }

    [Theory]
    [InlineData("{\"username\": \"abc\", ")]
    [InlineData("not json")]
    [InlineData("{\"username\": 42, \"password\": \"12345678\"}")]
    public async Task Malformed_json_is_a_400_invalid_json_problem(string json)
    {
        var response = await _http.PostAsync("/api/auth/register", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task A_failed_registration_leaves_the_username_free()
    {
        var username = Name();
        await (await _http.PostAsync("/api/auth/register",
            new StringContent($"{{\"username\":\"{username}\",\"password\":", Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_json");
        await (await RegisterAsync(new { username, password = "short" })).AssertValidationProblemAsync("password");

        var response = await RegisterAsync(new { username, password = TestClient.Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
