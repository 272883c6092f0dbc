using System.Diagnostics;

namespace ChatApp.LoadTest.Scenarios;

/// <summary>
/// A device is offline while K messages arrive; then it reconnects and syncs (pages of --page, default 1000).
/// Measures the time from the start of the reconnect until the last missed message is in.
/// The K messages come from several senders (each within the server's per-connection burst of frames), so filling
/// the inbox is quick without tripping the rate limit.
/// </summary>
public static class SyncScenario
{
    const int PerSender = 900;

    public static async Task<int> RunAsync(RunContext run)
    {
        var o = run.Options;
        var total = o.Int("messages", 10_000);
        var page = o.Int("page", 1000);
        var body = new string('x', o.Int("size", 100));
        var senders = Math.Max(1, (total + PerSender - 1) / PerSender);
        await run.Users.EnsureAsync(run.Api, senders + 1, run.Log.WriteLine, run.Stopping);
        var reader = run.Users.Users[0];
        var writers = run.Users.Users.Skip(1).Take(senders).ToArray();
        var conversations = await Task.WhenAll(writers.Select(w => run.Api.DirectConversationAsync(w, reader, run.Stopping)));
        var runId = Guid.NewGuid().ToString("N")[..8];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(run.Stopping);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;

        // 1. Learn the reader's cursor: the seq of one marker message delivered live.
        var marker = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        long cursor;
        await using (var readerSocket = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, reader.Token, 0,
            (_, f) => { if (Frame.TypeIs(f.Span, "message"u8) && Frame.String(f.Span, "clientMsgId") == $"{runId}.marker") marker.TrySetResult(Frame.Number(f.Span, "seq") ?? 0); },
            ct))
        {
            await using var first = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, writers[0].Token, 1, (_, _) => { }, ct);
            await first.SendAsync(Frame.Send($"{runId}.marker", conversations[0], "marker"), ct);
            cursor = await marker.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        // 2. The reader is offline: each sender sends its share and waits for every ack (or error).
        long errors = 0;
        await using (run.ShowProgress())
        {
            await Task.WhenAll(writers.Select(async (writer, w) =>
            {
                var share = Math.Min(PerSender, total - w * PerSender);
                var answered = 0;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using var socket = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, writer.Token, w + 1, (_, f) =>
                {
                    if (Frame.TypeIs(f.Span, "ack"u8)) Interlocked.Increment(ref run.Acked);
                    else if (Frame.TypeIs(f.Span, "error"u8)) { Interlocked.Increment(ref errors); Interlocked.Increment(ref run.Errors); }
                    else return;
                    if (Interlocked.Increment(ref answered) == share) done.TrySetResult();
                }, ct);
                for (var i = 0; i < share; i++)
                {
                    await socket.SendAsync(Frame.Send($"{runId}.{w}.{i}", conversations[w], body), ct);
                    Interlocked.Increment(ref run.Sent);
                }
                await done.Task.WaitAsync(ct);
            }));
        }

        // 3. The reader comes back and syncs from its cursor until hasMore is false.
        var received = 0L;
        var last = cursor;
        var gaps = 0L;
        var pageDone = new SemaphoreSlim(0);
        var more = true;
        var clock = Stopwatch.StartNew();
        await using (var back = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, reader.Token, 0, (_, f) =>
        {
            var span = f.Span;
            if (Frame.TypeIs(span, "message"u8))
            {
                var seq = Frame.Number(span, "seq") ?? 0;
                if (seq != last + 1) gaps++;
                last = Math.Max(last, seq);
                received++;
            }
            else if (Frame.TypeIs(span, "synced"u8))
            {
                more = Frame.Bool(span, "hasMore");
                pageDone.Release();
            }
        }, ct))
        {
            while (more)
            {
                await back.SendAsync(Frame.Sync(last, page), ct);
                await pageDone.WaitAsync(ct);
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        run.Add("missedMessages", total);
        run.Add("senders", senders);
        run.Add("sendErrors", errors);
        run.Add("received", received);
        run.Add("gaps", gaps);
        run.Add("catchUpSeconds", Math.Round(seconds, 3));
        run.Add("messagesPerSecond", Math.Round(received / seconds, 0));
        run.Add("pageSize", page);
        return errors == 0 && received == total && gaps == 0 ? 0 : 1;
    }
}
