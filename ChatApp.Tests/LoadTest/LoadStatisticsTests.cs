using ChatApp.LoadTest;

namespace ChatApp.Tests.LoadTest;

public sealed class LoadStatisticsTests
{
    [Fact]
    public void Percentiles_use_the_nearest_rank_of_the_sorted_samples()
    {
        var recorder = new LatencyRecorder();
        // 1..100 ms, recorded in microseconds and out of order.
        foreach (var ms in Enumerable.Range(1, 100).Reverse()) recorder.Record(ms * 1000);

        var summary = recorder.Summarize();

        Assert.Equal(100, summary.Count);
        Assert.Equal(50, summary.P50Ms);
        Assert.Equal(90, summary.P90Ms);
        Assert.Equal(99, summary.P99Ms);
        Assert.Equal(100, summary.MaxMs);
    }

    [Fact]
    public void A_single_sample_is_every_percentile_and_no_samples_report_zero()
    {
        Assert.Equal(7.5, LatencyRecorder.Percentile([7500], 99));
        Assert.Equal(7.5, LatencyRecorder.Percentile([7500], 1));
        Assert.Equal(0, new LatencyRecorder().Summarize().P99Ms);
    }

    [Fact]
    public void The_p99_of_a_thousand_samples_ignores_only_the_worst_ten()
    {
        var sorted = Enumerable.Range(1, 1000).Select(i => (long)i * 1000).ToArray();
        Assert.Equal(990, LatencyRecorder.Percentile(sorted, 99));
        Assert.Equal(1000, LatencyRecorder.Percentile(sorted, 100));
    }

    [Fact]
    public void The_ledger_counts_lost_duplicated_and_unexpected_deliveries()
    {
        var ledger = new DeliveryLedger();
        ledger.Expect(receiver: 1, "a");
        ledger.Expect(receiver: 1, "b");
        ledger.Expect(receiver: 2, "a");

        Assert.True(ledger.Deliver(1, "a"));
        Assert.False(ledger.Deliver(1, "a"));   // the same message twice on one receiver
        Assert.False(ledger.Deliver(2, "zzz")); // never sent
        Assert.True(ledger.Deliver(2, "a"));    // the same message on another receiver is fine

        Assert.Equal(3, ledger.Expected);
        Assert.Equal(2, ledger.Delivered);
        Assert.Equal(1, ledger.Duplicated);
        Assert.Equal(1, ledger.Unexpected);
        Assert.Equal(1, ledger.Lost);           // (1, "b") never arrived
    }

    [Fact]
    public void Options_read_scenarios_values_flags_and_durations()
    {
        var o = LoadOptions.Parse(["direct", "--pairs", "5", "--self-host", "--duration", "1500ms", "--rate", "2.5"]);

        Assert.Equal("direct", o.Scenario);
        Assert.Equal(5, o.Int("pairs", 0));
        Assert.True(o.Flag("self-host"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), o.Duration("duration", TimeSpan.Zero));
        Assert.Equal(2.5, o.Double("rate", 0));
        Assert.Equal(TimeSpan.FromMinutes(2), LoadOptions.Parse(["x", "--d", "2m"]).Duration("d", TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["direct", "extra"]));
    }

    [Fact]
    public void Frames_are_read_without_a_full_parse()
    {
        var message = """{"type":"message","seq":42,"message":{"id":"9","clientMsgId":"r.1.0.7","body":"x"}}"""u8;
        Assert.True(Frame.TypeIs(message, "message"u8));
        Assert.False(Frame.TypeIs(message, "messages"u8));
        Assert.False(Frame.TypeIs(message, "mess"u8));
        Assert.Equal(42, Frame.Number(message, "seq"));
        Assert.Equal("r.1.0.7", Frame.String(message, "clientMsgId"));
        Assert.True(Frame.Bool("""{"type":"synced","seq":3,"hasMore":true}"""u8, "hasMore"));
        Assert.False(Frame.Bool("""{"type":"synced","seq":3,"hasMore":false}"""u8, "hasMore"));
    }
}
