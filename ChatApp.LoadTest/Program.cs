using ChatApp.LoadTest.Scenarios;

namespace ChatApp.LoadTest;

/// <summary>
/// The load tool: a real client of docs/protocol.md that measures a running ChatApp (or one it starts itself).
/// Usage: <c>dotnet run -c Release --project ChatApp.LoadTest -- &lt;scenario&gt; --url http://127.0.0.1:8080 [options]</c>.
/// </summary>
public static class Program
{
    public const string Usage = """
        usage: ChatApp.LoadTest <scenario> (--url URL [--server-pid PID] | --self-host) [options]

        scenarios:
          seed         --users N                           create N users once, saved in --users-file
          connections  --count N [--hold 10s] [--users U]  N idle sockets: connect rate, server RSS per socket
          direct       --pairs P --rate R --duration D --size B
                                                           P pairs chatting at R msgs/s in all: rate, latency, loss
          group        --groups G --members M --rate R     fan-out into groups (when the server has groups)
          sync         --messages K [--page 1000]          catch-up time for K messages missed while offline
          max          --scenario direct [--pairs P] [--rates 1000,2000,...] [--step-duration 10s]
                                                           the highest direct rate with p99 <= 200 ms and no loss

        common options:
          --url URL            a running server (loopback only)
          --server-pid PID     that server's process, for CPU and RSS figures
          --self-host          start the Release build of ChatApp here, on --data-dir (default loadtest-data/server)
          --users-file FILE    saved users and tokens (default loadtest-data/users.json)
          --json FILE          also write the result as JSON
          --source-addresses N open sockets from 127.0.0.1..127.0.0.N (more than ~28,000 sockets need N >= 2)
        """;

    public static async Task<int> Main(string[] args)
    {
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 64;
        }
        if (options.Scenario is "" or "help" || options.Flag("help"))
        {
            Console.WriteLine(Usage);
            return options.Scenario is "" ? 64 : 0;
        }
        using var stopping = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C: stop the scenario and still print what it measured.
            e.Cancel = true;
            stopping.Cancel();
        };
        return await RunAsync(options, Console.Out, Console.Error, stopping.Token);
    }

    /// <summary>Runs one scenario and prints its result; the test suite calls this in-process.</summary>
    public static async Task<int> RunAsync(LoadOptions options, TextWriter output, TextWriter log, CancellationToken stopping)
    {
        Func<RunContext, Task<int>>? scenario = options.Scenario switch
        {
            "seed" => SeedAsync,
            "connections" => ConnectionsScenario.RunAsync,
            "direct" => DirectScenario.RunAsync,
            "group" => GroupScenario.RunAsync,
            "sync" => SyncScenario.RunAsync,
            "max" => MaxScenario.RunAsync,
            _ => null,
        };
        if (scenario is null)
        {
            log.WriteLine($"unknown scenario '{options.Scenario}'");
            log.WriteLine(Usage);
            return 64;
        }

        ServerTarget target;
        if (options.Flag("self-host"))
        {
            var settings = new Dictionary<string, string>();
            target = await ServerTarget.SelfHostAsync(options.String("data-dir", "loadtest-data/server"), settings, log, stopping);
            log.WriteLine($"self-hosted ChatApp at {target.Url} (pid {target.Pid})");
        }
        else if (options.String("url") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            if (!IsLoopback(uri))
            {
                log.WriteLine("--url must be a loopback address (127.0.0.0/8 or localhost): the tool only loads servers on this machine.");
                return 64;
            }
            target = ServerTarget.Remote(uri, options.String("server-pid") is { } pid ? int.Parse(pid) : null);
        }
        else
        {
            log.WriteLine("give --url URL or --self-host");
            return 64;
        }

        await using var run = new RunContext
        {
            Target = target,
            Api = new ChatApi(target.Url),
            Users = new UserPool(options.String("users-file", ConnectionsScenario.UsersFileDefault)),
            Options = options,
            Log = log,
            Stopping = stopping,
        };
        run.Add("scenario", options.Scenario);
        run.Add("machineCores", Environment.ProcessorCount);
        int code;
        try
        {
            code = await scenario(run);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            log.WriteLine("stopped: reporting what was measured");
            code = 130;
        }
        if (!options.Flag("worker")) await run.ReportAsync(output);
        return code;
    }

    static async Task<int> SeedAsync(RunContext run)
    {
        var count = run.Options.Int("users", 100);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await run.Users.EnsureAsync(run.Api, count, run.Log.WriteLine, run.Stopping);
        run.Add("users", run.Users.Users.Count);
        run.Add("seconds", Math.Round(clock.Elapsed.TotalSeconds, 1));
        return 0;
    }

    static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
