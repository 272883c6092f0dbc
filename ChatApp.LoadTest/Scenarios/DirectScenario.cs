using System.Diagnostics;

namespace ChatApp.LoadTest.Scenarios;

/// <summary>One measured stretch of direct chat.</summary>
public sealed record DirectStep(double TargetRate, double AchievedRate, long Sent, long Acked, long Delivered, long Lost, long Duplicated,
    long Errors, LatencySummary Ack, LatencySummary Deliver, double? ServerCpuMsPer1000, double Seconds);

/// <summary>
/// P pairs of users, each user on one socket, both sides of each pair sending: an aggregate R messages/s for D.
/// Every message is tracked from send to ack (sender) and to delivery (the partner's socket).
/// </summary>
public sealed class DirectScenario(RunContext run, int pairs, int bodySize) : IAsyncDisposable
{
    readonly string _body = new('x', bodySize);
    readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    LoadSocket[] _sockets = [];
    string[] _conversations = [];
    // Per sender: the send time of its n-th message of the current step (index n).
    long[][] _sentAt = [];
    DeliveryLedger _ledger = new();
    LatencyRecorder _ack = new(), _deliver = new();
    long _errors;
    int _step;

    public static async Task<int> RunAsync(RunContext run)
    {
        var o = run.Options;
        await using var scenario = new DirectScenario(run, o.Int("pairs", 100), o.Int("size", 100));
        await scenario.SetUpAsync();
        await using (run.ShowProgress())
        {
            var step = await scenario.RunStepAsync(o.Double("rate", 1000), o.Duration("duration", TimeSpan.FromSeconds(10)));
            scenario.Report(step, "");
        }
        return 0;
    }

    public async Task SetUpAsync()
    {
        var users = 2 * pairs;
        await run.Users.EnsureAsync(run.Api, users, run.Log.WriteLine, run.Stopping);
        _conversations = new string[pairs];
        await Parallel.ForEachAsync(Enumerable.Range(0, pairs), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = run.Stopping },
            async (p, ct) => _conversations[p] = await run.Api.DirectConversationAsync(run.Users.Users[2 * p], run.Users.Users[2 * p + 1], ct));
        _sockets = new LoadSocket[users];
        await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = run.Stopping },
            async (i, ct) =>
            {
                _sockets[i] = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, run.Users.Users[i].Token, i, OnFrame, ct);
                Interlocked.Increment(ref run.Connections);
            });
    }

    /// <summary>Sends at <paramref name="rate"/> msgs/s for <paramref name="duration"/>, then waits for the stragglers.</summary>
    public async Task<DirectStep> RunStepAsync(double rate, TimeSpan duration)
    {
        var step = Interlocked.Increment(ref _step);
        var senders = _sockets.Length;
        var perSender = rate / senders;
        var capacity = (int)(perSender * duration.TotalSeconds * 1.2) + 16;
        _sentAt = [.. Enumerable.Range(0, senders).Select(_ => new long[capacity])];
        _ledger = new DeliveryLedger();
        _ack = new LatencyRecorder();
        _deliver = new LatencyRecorder();
        Interlocked.Exchange(ref _errors, 0);
        long sent = 0;
        var cpuBefore = run.Target.Sample();
        var started = Stopwatch.GetTimestamp();

        // A few pacing loops, each owning a slice of the senders, wake once a millisecond and send what is due.
        // (One timer per sender would cost the load generator more CPU than the server spends.)
        var slices = Math.Min(4, senders);
        var tasks = Enumerable.Range(0, slices).Select(slice => Task.Run(async () =>
        {
            var mine = Enumerable.Range(0, senders).Where(i => i % slices == slice).ToArray();
            var next = new int[mine.Length];
            while (!run.Stopping.IsCancellationRequested)
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed >= duration) break;
                for (var k = 0; k < mine.Length; k++)
                {
                    var i = mine[k];
                    // Each sender has its own phase, spread evenly over one interval: without it every sender
                    // would send at the same instants, and the server would see bursts instead of the rate.
                    var due = Math.Min((long)(elapsed.TotalSeconds * perSender + (double)i / senders), capacity);
                    while (next[k] < due)
                    {
                        var n = next[k]++;
                        var clientMsgId = $"{_runId}.{step}.{i}.{n}";
                        _ledger.Expect(i ^ 1, clientMsgId);
                        _sentAt[i][n] = RunContext.NowMicros();
                        await _sockets[i].SendAsync(Frame.Send(clientMsgId, _conversations[i / 2], _body), CancellationToken.None);
                        Interlocked.Increment(ref sent);
                        Interlocked.Increment(ref run.Sent);
                    }
                }
                await Task.Delay(1);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var sendingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // Let acks and deliveries in flight arrive: until nothing is missing, or 10 s without progress.
        var lastProgress = Stopwatch.GetTimestamp();
        long lastSeen = -1;
        while (true)
        {
            var seen = _ack.Count + _ledger.Delivered;
            if (_ack.Count >= Interlocked.Read(ref sent) && _ledger.Lost == 0) break;
            if (seen != lastSeen) { lastSeen = seen; lastProgress = Stopwatch.GetTimestamp(); }
            else if (Stopwatch.GetElapsedTime(lastProgress) > TimeSpan.FromSeconds(10)) break;
            await Task.Delay(50);
        }
        var cpuAfter = run.Target.Sample();
        var ackedCount = _ack.Count;
        // Throughput counts until the last ack or delivery came in, not just while sending: a server that falls
        // behind finishes late, and that must show.
        var totalSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds - (Stopwatch.GetElapsedTime(lastProgress).TotalSeconds);
        double? cpuPer1000 = cpuBefore is not null && cpuAfter is not null && ackedCount > 0
            ? (cpuAfter.CpuMs - cpuBefore.CpuMs) / ackedCount * 1000 : null;
        return new DirectStep(rate, ackedCount / Math.Max(sendingSeconds, totalSeconds), sent, ackedCount, _ledger.Delivered, _ledger.Lost, _ledger.Duplicated + _ledger.Unexpected,
            Interlocked.Read(ref _errors), _ack.Summarize(), _deliver.Summarize(), cpuPer1000, sendingSeconds);
    }

    void OnFrame(LoadSocket socket, ReadOnlyMemory<byte> memory)
    {
        var frame = memory.Span;
        var now = RunContext.NowMicros();
        if (Frame.TypeIs(frame, "message"u8))
        {
            var clientMsgId = Frame.String(frame, "clientMsgId");
            if (clientMsgId is null || !TryParse(clientMsgId, out var sender, out var n)) return;
            if (_ledger.Deliver(socket.Index, clientMsgId))
            {
                _deliver.Record(now - _sentAt[sender][n]);
                Interlocked.Increment(ref run.Delivered);
            }
        }
        else if (Frame.TypeIs(frame, "ack"u8))
        {
            var clientMsgId = Frame.String(frame, "clientMsgId");
            if (clientMsgId is null || !TryParse(clientMsgId, out var sender, out var n)) return;
            _ack.Record(now - _sentAt[sender][n]);
            Interlocked.Increment(ref run.Acked);
        }
        else if (Frame.TypeIs(frame, "error"u8))
        {
            Interlocked.Increment(ref _errors);
            Interlocked.Increment(ref run.Errors);
        }
    }

    /// <summary>"run.step.sender.n" of the current step; frames of other runs or steps are ignored.</summary>
    bool TryParse(string clientMsgId, out int sender, out int n)
    {
        sender = n = 0;
        var parts = clientMsgId.Split('.');
        return parts.Length == 4 && parts[0] == _runId && parts[1] == _step.ToString()
            && int.TryParse(parts[2], out sender) && int.TryParse(parts[3], out n) && sender < _sentAt.Length && n < _sentAt[sender].Length;
    }

    public void Report(DirectStep s, string prefix)
    {
        run.Add(prefix + "pairs", pairs);
        run.Add(prefix + "bodyBytes", _body.Length);
        run.Add(prefix + "targetRate", s.TargetRate);
        run.Add(prefix + "achievedRate", Math.Round(s.AchievedRate, 1));
        run.Add(prefix + "seconds", Math.Round(s.Seconds, 2));
        run.Add(prefix + "sent", s.Sent);
        run.Add(prefix + "acked", s.Acked);
        run.Add(prefix + "delivered", s.Delivered);
        run.Add(prefix + "lost", s.Lost);
        run.Add(prefix + "duplicated", s.Duplicated);
        run.Add(prefix + "errors", s.Errors);
        run.AddLatency(prefix + "ack", s.Ack);
        run.AddLatency(prefix + "deliver", s.Deliver);
        run.Add(prefix + "serverCpuMsPer1000Msgs", s.ServerCpuMsPer1000 is { } c ? Math.Round(c, 1) : null);
        if (run.Target.Sample() is { } sample) run.Add(prefix + "serverRssMB", Math.Round(sample.RssBytes / 1048576.0, 1));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets) if (socket is not null) await socket.DisposeAsync();
    }
}
