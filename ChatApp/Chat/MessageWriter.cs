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
/// then, for each message in order, acks the sender and routes the message to its members. One loop does all
/// of it, so messages keep the order they were queued in, from storage to delivery.
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
        var max = options.Value.MaxBatchSize;
        var sends = new List<PendingSend>(max);
        var messages = new List<NewMessage>(max);
        try
        {
            // Deliberately not cancelled by stoppingToken: on shutdown the queue is completed and drained instead.
            while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                sends.Clear();
                messages.Clear();
                while (sends.Count < max && _queue.Reader.TryRead(out var send))
                {
                    sends.Add(send);
                    messages.Add(send.Message);
                }
                await WriteBatchAsync(sends, messages);
            }
        }
        finally
        {
            _drained.TrySetResult();
        }
    }

    async Task WriteBatchAsync(List<PendingSend> sends, List<NewMessage> messages)
    {
        IReadOnlyList<AppendOutcome> outcomes;
        try
        {
            outcomes = await store.AppendAsync(messages, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Storing a batch of {Count} messages failed", messages.Count);
            outcomes = [.. messages.Select(_ => AppendOutcome.Failed)];
        }

        for (var i = 0; i < sends.Count; i++)
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
