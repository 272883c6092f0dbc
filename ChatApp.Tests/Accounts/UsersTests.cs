using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Accounts;

public sealed class UsersTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new();
    TestClient _client = null!;
    Account _me = null!;
    HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _client = _app.NewClient();
        _me = await _client.SignUpAsync();
        _http = _client.As(_me);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    async Task<string> RegisterAsync(string username, string? displayName = null)
    {
        var user = await (await _client.Http.PostAsJsonAsync("/api/auth/register", new { username, password = TestClient.Password, displayName }))
            .ReadJsonAsync(HttpStatusCode.Created);
        return user.GetProperty("id").GetString()!;
    }

    static string Prefix() => "p" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Me_is_the_caller()
    {
        var me = await (await _http.GetAsync("/api/users/me")).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(_me.UserId, me.GetProperty("id").GetString());
        Assert.Equal(_me.Username, me.GetProperty("username").GetString());
        Assert.Equal(_me.Username, me.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_user_is_found_by_id()
    {
        var username = Prefix() + "bob";
        var id = await RegisterAsync(username, "Bob B");

        var user = await (await _http.GetAsync($"/api/users/{id}")).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(id, user.GetProperty("id").GetString());
        Assert.Equal(username, user.GetProperty("username").GetString());
        Assert.Equal("Bob B", user.GetProperty("displayName").GetString());
    }

    [Theory]
    [InlineData("123456789")]
    [InlineData("not-a-number")]
    [InlineData("-1")]
    [InlineData("99999999999999999999999")]
    public async Task An_unknown_or_malformed_user_id_is_404_user_not_found(string id)
    {
        var response = await _http.GetAsync($"/api/users/{id}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
    }

    [Fact]
    public async Task Search_finds_users_by_username_prefix_ignoring_case()
    {
        var prefix = Prefix();
        var bob = await RegisterAsync(prefix + "bob");
        var bobby = await RegisterAsync(prefix + "bobby");
        await RegisterAsync(prefix + "carol");
        await RegisterAsync("x" + prefix + "bob"); // contains the prefix, but not at the start

        var found = await (await _http.GetAsync($"/api/users?query={(prefix + "BOB").ToUpperInvariant()}")).ReadJsonAsync(HttpStatusCode.OK);

        var users = found.GetProperty("users").EnumerateArray().ToList();
        Assert.Equal([bob, bobby], users.Select(u => u.GetProperty("id").GetString()));
        Assert.Equal([prefix + "bob", prefix + "bobby"], users.Select(u => u.GetProperty("username").GetString()));
    }

    [Fact]
    public async Task Search_treats_underscore_and_percent_literally()
    {
        var prefix = Prefix();
        var underscored = await RegisterAsync(prefix + "_x");
        await RegisterAsync(prefix + "ax");

        var underscore = await (await _http.GetAsync($"/api/users?query={prefix}_")).ReadJsonAsync(HttpStatusCode.OK);
        var percent = await (await _http.GetAsync($"/api/users?query={prefix}%25")).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal([underscored], underscore.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()));
        Assert.Empty(percent.GetProperty("users").EnumerateArray());
    }

    [Fact]
    public async Task Search_without_a_match_is_an_empty_list()
    {
        var found = await (await _http.GetAsync($"/api/users?query={Prefix()}")).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Empty(found.GetProperty("users").EnumerateArray());
    }

    [Theory]
    [InlineData("/api/users")]
    [InlineData("/api/users?query=")]
    [InlineData("/api/users?query=%20%20")]
    public async Task Search_without_a_query_is_400(string path)
    {
        var response = await _http.GetAsync(path);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("query", problem.GetProperty("detail").GetString());
    }
}
