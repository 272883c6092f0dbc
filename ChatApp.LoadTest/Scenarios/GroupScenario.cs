namespace ChatApp.LoadTest.Scenarios;

/// <summary>Fan-out into groups. The server has no group endpoints yet; until it does, this says so and stops.</summary>
public static class GroupScenario
{
    public static async Task<int> RunAsync(RunContext run)
    {
        await run.Users.EnsureAsync(run.Api, 1, run.Log.WriteLine, run.Stopping);
        if (!await run.Api.HasGroupsAsync(run.Users.Users[0], run.Stopping))
        {
            run.Log.WriteLine("group: this server has no groups yet (its OpenAPI document lists no group endpoint); nothing to measure.");
            run.Add("groups", "not supported by this server");
            return 3;
        }
        run.Log.WriteLine("group: the server lists group endpoints, but this version of the load tool cannot drive them yet.");
        return 3;
    }
}
