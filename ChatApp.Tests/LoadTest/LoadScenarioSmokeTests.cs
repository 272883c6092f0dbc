using System.Text.Json;
using ChatApp.LoadTest;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.LoadTest;

/// <summary>Each scenario of the load tool, run for about a second against a real (Kestrel) server.</summary>
public sealed class LoadScenarioSmokeTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new(kestrel: true);
    readonly string _dir = Directory.CreateTempSubdirectory("chatapp-loadtest-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    async Task<(int Code, JsonElement Result, string Log)> RunAsync(params string[] args)
    {
        var json = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        string[] common = ["--url", _app.ClientOptions.BaseAddress.ToString(), "--users-file", Path.Combine(_dir, "users.json"), "--json", json];
        var log = new StringWriter();
        var code = await ChatApp.LoadTest.Program.RunAsync(LoadOptions.Parse([.. args, .. common]), new StringWriter(), log, CancellationToken.None);
        var result = File.Exists(json) ? JsonDocument.Parse(File.ReadAllText(json)).RootElement.Clone() : default;
        return (code, result, log.ToString());
    }

    [Fact]
    public async Task Direct_chat_delivers_every_message_once_and_reports_latency()
    {
        var (code, result, log) = await RunAsync("direct", "--pairs", "2", "--rate", "40", "--duration", "1", "--size", "20");

        Assert.True(code == 0, log);
        var sent = result.GetProperty("sent").GetInt64();
        Assert.True(sent >= 30, $"sent {sent}");
        Assert.Equal(sent, result.GetProperty("acked").GetInt64());
        Assert.Equal(sent, result.GetProperty("delivered").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicated").GetInt64());
        Assert.True(result.GetProperty("deliver.p99Ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Sync_catches_up_on_every_missed_message_without_gaps()
    {
        var (code, result, log) = await RunAsync("sync", "--messages", "300", "--page", "100");

        Assert.True(code == 0, log);
        Assert.Equal(300, result.GetProperty("received").GetInt64());
        Assert.Equal(0, result.GetProperty("gaps").GetInt64());
        Assert.True(result.GetProperty("catchUpSeconds").GetDouble() > 0);
    }

    [Fact]
    public async Task Connections_open_hold_and_report_the_connect_rate()
    {
        var (code, result, log) = await RunAsync("connections", "--count", "20", "--users", "4", "--hold", "1s");

        Assert.True(code == 0, log);
        Assert.Equal(20, result.GetProperty("connections").GetInt32());
        Assert.Equal(0, result.GetProperty("failed").GetInt32());
        Assert.Equal(0, result.GetProperty("droppedWhileHeld").GetInt32());
        Assert.True(result.GetProperty("connectsPerSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task Max_steps_the_rate_up_and_reports_the_highest_that_held()
    {
        var (code, result, log) = await RunAsync("max", "--scenario", "direct", "--pairs", "2", "--rates", "20,40", "--step-duration", "1s");

        Assert.True(code == 0, log);
        Assert.Equal(40, result.GetProperty("maxSustainableRate").GetDouble());
        Assert.Equal(0, result.GetProperty("step.20.lost").GetInt64());
    }

    [Fact]
    public async Task Group_says_this_server_has_no_groups_yet()
    {
        var (code, _, log) = await RunAsync("group", "--groups", "1", "--members", "3", "--rate", "10");

        Assert.Equal(3, code);
        Assert.Contains("no groups yet", log);
    }

    [Fact]
    public async Task Seed_creates_users_once_and_reuses_them()
    {
        var (code, first, log) = await RunAsync("seed", "--users", "3");
        Assert.True(code == 0, log);
        Assert.Equal(3, first.GetProperty("users").GetInt32());

        var saved = File.ReadAllText(Path.Combine(_dir, "users.json"));
        var (again, second, _) = await RunAsync("seed", "--users", "3");
        Assert.Equal(0, again);
        Assert.Equal(3, second.GetProperty("users").GetInt32());
        Assert.Equal(saved, File.ReadAllText(Path.Combine(_dir, "users.json"))); // same users, same tokens
    }

    [Fact]
    public async Task A_non_loopback_url_is_refused()
    {
        var code = await ChatApp.LoadTest.Program.RunAsync(LoadOptions.Parse(["direct", "--url", "http://192.0.2.1:8080"]),
            new StringWriter(), new StringWriter(), CancellationToken.None);
        Assert.Equal(64, code);
    }
}
