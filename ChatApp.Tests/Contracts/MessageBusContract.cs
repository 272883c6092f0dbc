using ChatApp.Messaging;
using ChatApp.Storage;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Contracts;

/// <summary>The <see cref="IMessageBus"/> contract, run against every implementation.</summary>
public abstract class MessageBusContract : IAsyncLifetime
{
    readonly List<object> _created = [];

    protected RecordingEventSink Sink { get; } = new();
    protected IMessageBus Bus { get; private set; } = null!;

    /// <summary>A bus node whose events for this node's connections go to <paramref name="sink"/>. Delivery may be asynchronous.</summary>
    protected abstract Task<IMessageBus> CreateBusAsync(ILocalEventSink sink);

    public virtual async Task InitializeAsync()
    {
        Bus = await CreateBusAsync(Sink);
        _created.Add(Bus);
    }

    public virtual Task DisposeAsync() => Disposal.DisposeAllAsync(_created);

    static MessageDelivery Delivery(int n) =>
        new([new Recipient(1, n), new Recipient(2, n + 100)], System.Text.Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), n % 3);

    /// <summary>What an event says; MessageDelivery's arrays compare by reference, so compare their contents.</summary>
    static string Describe(BusEvent e) => e switch
    {
        MessageDelivery d => $"message to [{string.Join(",", d.Recipients)}] from connection {d.SenderConnectionId}: {System.Text.Encoding.UTF8.GetString(d.MessageJson)}",
        DeviceRevoked r => $"revoked device {r.DeviceId} of user {r.UserId}",
        _ => e.ToString()!,
    };

    [Fact]
    public async Task A_published_event_reaches_the_local_sink_with_its_content()
    {
        var delivery = Delivery(7);
        var revoked = new DeviceRevoked(3, 30);

        await Bus.PublishAsync(delivery, CancellationToken.None);
        await Bus.PublishAsync(revoked, CancellationToken.None);

        var received = await Sink.WaitForAsync(2);
        Assert.Equal([Describe(delivery), Describe(revoked)], received.Select(Describe));
        Assert.IsType<MessageDelivery>(received[0]);
        Assert.IsType<DeviceRevoked>(received[1]);
    }

    [Fact]
    public async Task Events_reach_the_local_sink_in_publish_order()
    {
        var published = Enumerable.Range(1, 200)
            .Select(n => n % 10 == 0 ? (BusEvent)new DeviceRevoked(n, n) : Delivery(n)).ToList();

        foreach (var e in published) await Bus.PublishAsync(e, CancellationToken.None);

        var received = await Sink.WaitForAsync(published.Count);
        Assert.Equal(published.Select(Describe), received.Select(Describe));
    }

    [Fact]
    public async Task Each_publishers_events_keep_their_order_while_several_publish_at_once()
    {
        const int Publishers = 4, EventsEach = 100;

        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            for (var n = 0; n < EventsEach; n++)
                await Bus.PublishAsync(new DeviceRevoked(UserId: p, DeviceId: n), CancellationToken.None);
        })));

        var received = (await Sink.WaitForAsync(Publishers * EventsEach)).Cast<DeviceRevoked>().ToList();
        Assert.Equal(Publishers * EventsEach, received.Count);
        for (var p = 0; p < Publishers; p++)
            Assert.Equal(Enumerable.Range(0, EventsEach).Select(n => (long)n), received.Where(e => e.UserId == p).Select(e => e.DeviceId));
    }
}
