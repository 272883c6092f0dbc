using ChatApp.Discovery;
using ChatApp.Storage;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Options;

namespace ChatApp.Tests.Storage;

public sealed class IdGeneratorTests
{
    readonly ManualTimeProvider _clock = new(ManualTimeProvider.DefaultStart.AddTicks(1234567)); // 123.4567 ms past a second

    IdGenerator Generator(int node = 1, TimeProvider? time = null) => new(Options.Create(new NodeOptions { Id = node }), time ?? _clock);

    [Fact]
    public void Ids_strictly_increase_over_many_calls_while_the_clock_moves()
    {
        var ids = Generator();
        var previous = ids.Next();
        for (var i = 0; i < 20_000; i++)
        {
            if (i % 7 == 0) _clock.Advance(TimeSpan.FromTicks(3_000)); // 0.3 ms: several ids per millisecond
            var next = ids.Next();
            Assert.True(next > previous, $"id {next} after {previous} at call {i}");
            previous = next;
        }
    }

    [Fact]
    public void Ids_strictly_increase_when_more_than_a_milliseconds_worth_is_made_in_one_millisecond()
    {
        var ids = Generator();

        var made = Enumerable.Range(0, 10_000).Select(_ => ids.Next()).ToList();

        Assert.Equal(made.Order(), made);
        Assert.Equal(made.Count, made.Distinct().Count());
    }

    [Fact]
    public void Ids_strictly_increase_when_the_clock_steps_back()
    {
        var ids = Generator();
        var before = Enumerable.Range(0, 10).Select(_ => ids.Next()).Max();

        _clock.SetUtcNow(_clock.GetUtcNow() - TimeSpan.FromSeconds(2));
        var after = Enumerable.Range(0, 10).Select(_ => ids.Next()).ToList();

        Assert.True(after[0] > before);
        Assert.Equal(after.Order(), after);
        Assert.Equal(after.Count, after.Distinct().Count());
    }

    [Fact]
    public async Task Ids_made_on_several_threads_at_once_are_unique_and_rise_on_each_thread()
    {
        var ids = Generator(time: TimeProvider.System);

        var perThread = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 20_000).Select(_ => ids.Next()).ToList())));

        var all = perThread.SelectMany(t => t).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(perThread, made => Assert.Equal(made.Order(), made));
    }

    [Fact]
    public void TimeOf_gives_the_generation_time_to_the_millisecond()
    {
        var ids = Generator();
        var times = new[] { TimeSpan.Zero, TimeSpan.FromTicks(9_999), TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(400) + TimeSpan.FromTicks(5) };

        foreach (var step in times)
        {
            _clock.Advance(step);
            var now = _clock.GetUtcNow();

            var id = ids.Next();

            Assert.Equal(new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero), IdGenerator.TimeOf(id));
        }
    }

    [Fact]
    public void Different_node_ids_never_collide_for_the_same_time()
    {
        // A full millisecond's worth and more from each node, so their sequence numbers overlap completely.
        var nodes = new[] { 0, 1, 2, 1023 }.Select(node => Generator(node)).ToList();

        var perNode = nodes.Select(ids => Enumerable.Range(0, 5_000).Select(_ => ids.Next()).ToList()).ToList();

        var all = perNode.SelectMany(n => n).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(perNode, made => Assert.Equal(IdGenerator.TimeOf(perNode[0][0]), IdGenerator.TimeOf(made[0])));
    }
}
