using System.Diagnostics;

namespace ChatApp.LoadTest.Scenarios;

/// <summary>
/// A device is offline while K messages arrive; then it reconnects and syncs (pages of --page, default 1000).
/// Measures the time from the start of the reconnect until the last missed message is in.
/// </summary>
public static class SyncScenario
{
    public static async Task<int> RunAsync(RunContext run)
    {
        var o = run.Options;
        var total = o.Int("messages", 10_000);
        var page = o.Int("page", 1000);
        var window = o.Int("window", 500);
        var body = new string('x', o.Int("size", 100));
        await run.Users.EnsureAsync(run.Api, 2, run.Log.WriteLine, run.Stopping);
        var (reader, writer) = (run.Users.Users[0], run.Users.Users[1]);
        var conversation = await run.Api.DirectConversationAsync(writer, reader, run.Stopping);
        var runId = Guid.NewGuid().ToString("N")[..8];

        // 1. Learn the reader's cursor: the seq of one marker message delivered live.
        var marker = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var readerSocket = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, reader.Token, 0,
            (_, f) => { if (Frame.TypeIs(f.Span, "message"u8) && Frame.String(f.Span, "clientMsgId") == $"{runId}.marker") marker.TrySetResult(Frame.Number(f.Span, "seq") ?? 0); },
            run.Stopping))
        {
            var acks = new SemaphoreSlim(window);
            await using var writerSocket = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, writer.Token, 1,
                (_, f) => { if (Frame.TypeIs(f.Span, "ack"u8)) { acks.Release(); Interlocked.Increment(ref run.Acked); } }, run.Stopping);
            await acks.WaitAsync(run.Stopping);
            await writerSocket.SendAsync(Frame.Send($"{runId}.marker", conversation, "marker"), run.Stopping);
            var cursor = await marker.Task.WaitAsync(TimeSpan.FromSeconds(30), run.Stopping);
            await readerSocket.DisposeAsync();

            // 2. The reader is offline: the writer sends K messages, at most `window` unacked at once.
            await using (run.ShowProgress())
            {
                for (var i = 0; i < total && !run.Stopping.IsCancellationRequested; i++)
                {
                    await acks.WaitAsync(run.Stopping);
                    await writerSocket.SendAsync(Frame.Send($"{runId}.{i}", conversation, body), run.Stopping);
                    Interlocked.Increment(ref run.Sent);
                }
                for (var i = 0; i < window; i++) await acks.WaitAsync(TimeSpan.FromSeconds(60), run.Stopping);
            }

            // 3. The reader comes back and syncs from its cursor until hasMore is false.
            var received = 0L;
            var last = cursor;
            var gaps = 0L;
            var pageDone = new SemaphoreSlim(0);
            var more = true;
            var clock = Stopwatch.StartNew();
            await using var back = await LoadSocket.ConnectAsync(run.Sockets, run.Target.WebSocketUrl, reader.Token, 0, (_, f) =>
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
            }, run.Stopping);
            while (more && !run.Stopping.IsCancellationRequested)
            {
                await back.SendAsync(Frame.Sync(last, page), run.Stopping);
                await pageDone.WaitAsync(TimeSpan.FromSeconds(60), run.Stopping);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            run.Add("missedMessages", total);
            run.Add("received", received);
            run.Add("gaps", gaps);
            run.Add("catchUpSeconds", Math.Round(seconds, 3));
            run.Add("messagesPerSecond", Math.Round(received / seconds, 0));
            run.Add("pageSize", page);
        }
        return 0;
    }
}
