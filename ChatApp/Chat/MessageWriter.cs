using System.Threading.Channels;
using ChatApp.Messaging;
using ChatApp.Storage;
using Microsoft.Extensions.Options;

namespace ChatApp.Chat;

/// <summary>Who hears back about a send once it is committed (or refused).</summary>
interface ISendReplier
{
    /// <summary>Called on the writer's loop: must not block.</summary>
    void Complete(NewMessage request, AppendOutcome outcome);
}

readonly record struct PendingSend(NewMessage Message, ISendReplier Replier, long SenderConnectionId);

/// <summary>
/// The send pipeline's back half: stores queued messages in batches (one transaction, one fsync per batch),
/// then, for each message in order, acks the sender and routes the message to its members. Storing and routing
/// are two loops joined by a queue, each taking batches in order, so messages keep the order they were queued in
/// from storage to delivery while the next batch commits during the previous one's routing.
/// </summary>
sealed class MessageWriter(IMessageStore store, IMessageBus bus, IOptions<ChatOptions> options, ILogger<MessageWriter> logger) : BackgroundService
{
    readonly Channel<PendingSend> _queue = Channel.CreateBounded<PendingSend>(new BoundedChannelOptions(options.Value.WriteQueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Queues a send; waits while the queue is full. False once the node is shutting down.</summary>
    public async ValueTask<bool> EnqueueAsync(PendingSend send, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(send, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Stores one message through the same pipeline and waits for its outcome (HTTP sends).</summary>
    public async Task<AppendOutcome?> SendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        var reply = new TaskReplier();
        if (!await EnqueueAsync(new PendingSend(message, reply, 0), cancellationToken)) return null;
        // Not cancellable past this point: the message may be committing and its outcome is the truth.
        return await reply.Task;
    }

    /// <summary>Stops taking sends and returns once every queued one is stored and acked.</summary>
    public Task FlushAndStopAsync()
    {
        _queue.Writer.TryComplete();
        return _drained.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Two stages, each in order: storing batch N+1 overlaps acking and routing batch N.
        var routing = RouteLoopAsync();
        try
        {
            await StoreLoopAsync();
        }
        finally
        {
            _stored.Writer.TryComplete();
            await routing;
            _drained.TrySetResult();
        }
    }

    // Committed batches waiting to be acked and routed; bounded so routing that falls behind slows storing down.
    readonly Channel<(PendingSend[] Sends, IReadOnlyList<AppendOutcome> Outcomes)> _stored =
        Channel.CreateBounded<(PendingSend[], IReadOnlyList<AppendOutcome>)>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });

    async Task StoreLoopAsync()
    {
        var max = options.Value.MaxBatchSize;
        var batch = new List<PendingSend>(max);
        // Deliberately not cancelled by the host's stopping token: on shutdown the queue is completed and drained.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < max && _queue.Reader.TryRead(out var send)) batch.Add(send);
            var sends = batch.ToArray();
            var messages = Array.ConvertAll(sends, s => s.Message);
            IReadOnlyList<AppendOutcome> outcomes;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                outcomes = await store.AppendAsync(messages, CancellationToken.None);
                ChatMetrics.BatchSize.Record(messages.Length);
                ChatMetrics.BatchDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Storing a batch of {Count} messages failed", messages.Length);
                outcomes = [.. messages.Select(_ => AppendOutcome.Failed)];
            }
            await _stored.Writer.WriteAsync((sends, outcomes), CancellationToken.None);
        }
    }

    async Task RouteLoopAsync()
    {
        await foreach (var (sends, outcomes) in _stored.Reader.ReadAllAsync(CancellationToken.None))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var i = 0; i < sends.Length; i++)
            {
                var outcome = outcomes[i];
                sends[i].Replier.Complete(sends[i].Message, outcome); // the ack goes out only now, after the commit
                if (outcome.Status != AppendStatus.Stored) continue;
                try
                {
                    await bus.PublishAsync(new MessageDelivery(outcome.Recipients, Frames.MessageJson(outcome.Message!), sends[i].SenderConnectionId), CancellationToken.None);
                }
                catch (Exception ex)
                {
                    // Stored and acked: members who miss the live frame get it from sync.
                    logger.LogWarning(ex, "Routing message {MessageId} failed", outcome.Message!.Id);
                }
            }
            ChatMetrics.RouteDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await FlushAndStopAsync().WaitAsync(cancellationToken);
        await base.StopAsync(cancellationToken);
    }

    sealed class TaskReplier : TaskCompletionSource<AppendOutcome>, ISendReplier
    {
        public TaskReplier() : base(TaskCreationOptions.RunContinuationsAsynchronously) { }
        public void Complete(NewMessage request, AppendOutcome outcome) => TrySetResult(outcome);
    }
}
