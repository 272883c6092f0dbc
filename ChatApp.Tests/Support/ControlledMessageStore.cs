using ChatApp.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.Support;

/// <summary>
/// The real <see cref="SqliteMessageStore"/> behind a gate a test can close, and with failures it can inject,
/// to observe what the send pipeline does while a batch is not committed yet, or when storing fails.
/// </summary>
public sealed class ControlledMessageStore(IMessageStore inner) : IMessageStore, IAsyncDisposable
{
    readonly Lock _lock = new();
    TaskCompletionSource _gate = Open();
    TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Messages with this body are answered <see cref="AppendStatus.Failed"/> without being stored.</summary>
    public string? FailBody { get; set; }

    /// <summary>A batch holding a message with this body makes <see cref="AppendAsync"/> throw.</summary>
    public string? ThrowBody { get; set; }

    /// <summary>Registers this store over the real one in a factory derived from <paramref name="factory"/>.</summary>
    public static WebApplicationFactory<Program> Install(WebApplicationFactory<Program> factory, out ControlledMessageStore store)
    {
        ControlledMessageStore? created = null;
        var derived = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IMessageStore>(sp =>
            created = new ControlledMessageStore(ActivatorUtilities.CreateInstance<SqliteMessageStore>(sp)))));
        // Start the host now, so the store exists before the test reaches for it.
        _ = derived.Services.GetRequiredService<IMessageStore>();
        store = created!;
        return derived;
    }

    /// <summary>From now on, <see cref="AppendAsync"/> waits before it stores anything, until <see cref="OpenGate"/>.</summary>
    public void CloseGate()
    {
        lock (_lock)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void OpenGate()
    {
        lock (_lock) _gate.TrySetResult();
    }

    /// <summary>Completes when a batch has reached the closed gate.</summary>
    public Task WaitingAtGate
    {
        get { lock (_lock) return _entered.Task; }
    }

    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<NewMessage> batch, CancellationToken cancellationToken)
    {
        Task gate;
        lock (_lock)
        {
            gate = _gate.Task;
            if (!gate.IsCompleted) _entered.TrySetResult();
        }
        await gate.WaitAsync(cancellationToken);

        if (ThrowBody is { } throwBody && batch.Any(m => m.Body == throwBody))
            throw new InvalidOperationException("Injected store failure.");
        if (FailBody is not { } failBody) return await inner.AppendAsync(batch, cancellationToken);

        // Store the others, in order, and answer Failed for the doomed ones.
        var stored = await inner.AppendAsync([.. batch.Where(m => m.Body != failBody)], cancellationToken);
        var outcomes = new List<AppendOutcome>(batch.Count);
        var next = 0;
        foreach (var message in batch) outcomes.Add(message.Body == failBody ? AppendOutcome.Failed : stored[next++]);
        return outcomes;
    }

    public Task<(IReadOnlyList<InboxItem> Items, bool HasMore)> ReadInboxAsync(long userId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        inner.ReadInboxAsync(userId, afterSeq, limit, cancellationToken);

    public Task<(IReadOnlyList<StoredMessage> Items, bool HasMore)> ReadHistoryAsync(long conversationId, long? beforeId, int limit, CancellationToken cancellationToken) =>
        inner.ReadHistoryAsync(conversationId, beforeId, limit, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        OpenGate();
        if (inner is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }

    static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }
}
