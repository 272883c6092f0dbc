using System.Diagnostics;
using System.Text.Json;

namespace ChatApp.LoadTest.Scenarios;

/// <summary>
/// N idle authenticated sockets that ping at the server's heartbeat interval. Reports the connect rate (sockets
/// whose hello arrived per second; tokens are reused, so no login is in it) and the server's RSS growth per socket.
/// Above --per-process sockets (default 15,000) it splits itself into worker processes, since every socket is a
/// file descriptor and one process may hold only `ulimit -n` of them.
/// </summary>
public static class ConnectionsScenario
{
    public static async Task<int> RunAsync(RunContext run)
    {
        var o = run.Options;
        var count = o.Int("count", 1000);
        var perProcess = o.Int("per-process", 15_000);
        var hold = o.Duration("hold", TimeSpan.FromSeconds(10));
        var users = Math.Min(count, o.Int("users", 1000));
        await run.Users.EnsureAsync(run.Api, users, run.Log.WriteLine, run.Stopping);

        if (o.Flag("worker"))
        {
            var opened = await OpenAndHoldAsync(run, o.Int("offset", 0), count, users, hold, line => Console.WriteLine($"WORKER {line}"));
            Console.WriteLine($"WORKER done {JsonSerializer.Serialize(opened)}");
            return 0;
        }

        GC.Collect();
        await Task.Delay(1000);
        var before = run.Target.Sample();
        Opened result;
        await using (run.ShowProgress())
        {
            result = count <= perProcess
                ? await OpenAndHoldAsync(run, 0, count, users, hold, run.Log.WriteLine)
                : await SplitAsync(run, count, perProcess, users, hold);
        }
        // Measured while the sockets are still open: the workers hold theirs until told to stop.
        var after = result.ServerSample ?? run.Target.Sample();
        run.Add("connections", result.Connected);
        run.Add("failed", result.Failed);
        run.Add("connectSeconds", Math.Round(result.ConnectSeconds, 2));
        run.Add("connectsPerSecond", Math.Round(result.Connected / result.ConnectSeconds, 0));
        run.Add("droppedWhileHeld", result.Dropped);
        if (before is not null && after is not null)
        {
            run.Add("serverRssBeforeMB", Math.Round(before.RssBytes / 1048576.0, 1));
            run.Add("serverRssAfterMB", Math.Round(after.RssBytes / 1048576.0, 1));
            run.Add("serverBytesPerConnection", result.Connected > 0 ? (after.RssBytes - before.RssBytes) / result.Connected : 0);
        }
        return 0;
    }

    public sealed record Opened(int Connected, int Failed, double ConnectSeconds, int Dropped, ProcessSample? ServerSample);

    static async Task<Opened> OpenAndHoldAsync(RunContext run, int offset, int count, int users, TimeSpan hold, Action<string> report)
    {
        var sockets = new LoadSocket?[count];
        var failed = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = run.Stopping },
            async (i, ct) =>
            {
                try
                {
                    var user = run.Users.Users[(offset + i) % users];
                    sockets[i] = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, user.Token, offset + i, (_, _) => { }, ct);
                    Interlocked.Increment(ref run.Connections);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (Interlocked.Increment(ref failed) <= 3) report($"connect failed: {ex.Message}");
                    Interlocked.Increment(ref run.Errors);
                }
            });
        var connectSeconds = clock.Elapsed.TotalSeconds;
        var open = sockets.Where(s => s is not null).Cast<LoadSocket>().ToArray();
        report($"connected {open.Length} in {connectSeconds:0.00}s");

        // Hold: each socket pings once per heartbeat interval (5 s), spread evenly.
        var heartbeat = TimeSpan.FromSeconds(5);
        var holdClock = Stopwatch.StartNew();
        var next = 0;
        while (holdClock.Elapsed < hold && !run.Stopping.IsCancellationRequested && open.Length > 0)
        {
            var batch = Math.Max(1, open.Length / 50);
            for (var k = 0; k < batch; k++)
            {
                var socket = open[next++ % open.Length];
                if (!socket.Closed.IsCompleted) _ = socket.SendAsync(Frame.Ping, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            await Task.Delay(heartbeat / 50);
        }
        var sample = run.Target.Sample();
        var dropped = open.Count(s => s.Closed.IsCompleted);
        await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (s, _) => await s.DisposeAsync());
        return new Opened(open.Length, failed, connectSeconds, dropped, sample);
    }

    /// <summary>Runs workers of this same program, each with its share of the sockets, and adds up their reports.</summary>
    static async Task<Opened> SplitAsync(RunContext run, int count, int perProcess, int users, TimeSpan hold)
    {
        var workers = (count + perProcess - 1) / perProcess;
        var share = (count + workers - 1) / workers;
        var processes = new List<(Process Process, Task<Opened?> Result)>();
        var self = Environment.ProcessPath!;
        var dll = typeof(ConnectionsScenario).Assembly.Location;
        var usersFile = run.Options.String("users-file", UsersFileDefault);
        var clock = Stopwatch.StartNew();
        for (var w = 0; w < workers; w++)
        {
            var n = Math.Min(share, count - w * share);
            var args = new List<string>();
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") args.Add(dll);
            args.AddRange(["connections", "--worker", "--url", run.Target.Url.ToString(), "--count", n.ToString(), "--offset", (w * share).ToString(),
                "--users", users.ToString(), "--hold", $"{hold.TotalSeconds + 5}s", "--users-file", usersFile]);
            var process = Process.Start(new ProcessStartInfo(self, args) { RedirectStandardOutput = true })!;
            processes.Add((process, ReadWorkerAsync(run, process)));
        }
        // Sample the server while every worker holds its sockets.
        var results = new List<Opened>();
        ProcessSample? peak = null;
        while (processes.Any(p => !p.Result.IsCompleted))
        {
            if (run.Target.Sample() is { } s && (peak is null || s.RssBytes > peak.RssBytes) && clock.Elapsed > TimeSpan.FromSeconds(3)) peak = s;
            await Task.Delay(500);
        }
        foreach (var (_, task) in processes) if (await task is { } r) results.Add(r);
        return new Opened(results.Sum(r => r.Connected), results.Sum(r => r.Failed), results.DefaultIfEmpty().Max(r => r?.ConnectSeconds ?? 0),
            results.Sum(r => r.Dropped), peak);
    }

    static async Task<Opened?> ReadWorkerAsync(RunContext run, Process process)
    {
        Opened? result = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("WORKER done ", StringComparison.Ordinal)) result = JsonSerializer.Deserialize<Opened>(line["WORKER done ".Length..]);
            else if (line.StartsWith("WORKER ", StringComparison.Ordinal))
            {
                // "connected N in Ts": count the worker's sockets in this process's live line too.
                var words = line.Split(' ');
                if (words is [_, "connected", var n, ..] && int.TryParse(n, out var opened)) Interlocked.Add(ref run.Connections, opened);
                run.Log.WriteLine($"[worker {process.Id}] {line[7..]}");
            }
        }
        await process.WaitForExitAsync();
        return result;
    }

    public const string UsersFileDefault = "loadtest-data/users.json";
}
