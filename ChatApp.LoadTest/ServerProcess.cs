using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ChatApp.LoadTest;

/// <summary>CPU time and resident memory of a server process on this machine, read from /proc.</summary>
public sealed record ProcessSample(double CpuMs, long RssBytes);

public static class ProcStat
{
    public static ProcessSample? Read(int pid)
    {
        try
        {
            // /proc/PID/stat: fields 14 and 15 are utime and stime in clock ticks (100 per second on Linux).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            long rssKb = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    rssKb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            return new ProcessSample(ticks * 10.0, rssKb * 1024);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// The server under test: either a URL given with --url (optionally its PID with --server-pid, for CPU and memory),
/// or, with --self-host, the built ChatApp started here as a child process on 127.0.0.1 with its own data directory.
/// </summary>
public sealed class ServerTarget : IAsyncDisposable
{
    Process? _process;

    public required Uri Url { get; init; }
    public int? Pid { get; private set; }

    public Uri WebSocketUrl => new($"{(Url.Scheme == "https" ? "wss" : "ws")}://{Url.Authority}/ws");

    public ProcessSample? Sample() => Pid is { } pid ? ProcStat.Read(pid) : null;

    public static ServerTarget Remote(Uri url, int? pid) => new() { Url = url, Pid = pid };

    /// <summary>
    /// Starts the Release build of ChatApp on a free loopback port, on the database in <paramref name="dataDir"/>.
    /// The directory is kept between runs so seeded users (slow to create: password hashing) are reused.
    /// </summary>
    public static async Task<ServerTarget> SelfHostAsync(string dataDir, IReadOnlyDictionary<string, string> settings, TextWriter log, CancellationToken ct)
    {
        var dll = FindServerDll() ?? throw new InvalidOperationException(
            "ChatApp is not built: run `dotnet build -c Release ChatApp` first (the load tool looks for ChatApp/bin/Release/net10.0/ChatApp.dll).");
        var port = FreePort();
        Directory.CreateDirectory(dataDir);
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Chat"] = $"Data Source={Path.Combine(dataDir, "chat.db")}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__ChatApp.Requests"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine($"[server] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine($"[server] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var target = new ServerTarget { Url = new Uri($"http://127.0.0.1:{port}"), _process = process, Pid = process.Id };

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"ChatApp exited at start (code {process.ExitCode}).");
            try
            {
                if ((await http.GetAsync(new Uri(target.Url, "/health/ready"), ct)).StatusCode == HttpStatusCode.OK) return target;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("ChatApp did not become ready in 60 s.");
            await Task.Delay(200, ct);
        }
    }

    static string? FindServerDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "ChatApp", "bin", "Release", "net10.0", "ChatApp.dll");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            // SIGTERM: a clean shutdown (flush, close sockets with 1012), then wait for it.
            Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process?.Dispose();
    }
}
