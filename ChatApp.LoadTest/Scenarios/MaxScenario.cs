namespace ChatApp.LoadTest.Scenarios;

/// <summary>
/// Steps the direct-chat rate up until p99 send-to-deliver passes --p99-limit (200 ms), a message is lost or
/// duplicated, or the server falls 10% behind the target rate; reports the highest rate that held.
/// </summary>
public static class MaxScenario
{
    public static async Task<int> RunAsync(RunContext run)
    {
        var o = run.Options;
        if (o.String("scenario", "direct") != "direct")
        {
            run.Log.WriteLine("max: only --scenario direct is supported");
            return 2;
        }
        var limit = o.Double("p99-limit", 200);
        var stepDuration = o.Duration("step-duration", TimeSpan.FromSeconds(10));
        var rates = (o.String("rates") ?? "1000,2000,5000,10000,15000,20000,25000,30000,40000,50000")
            .Split(',').Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await using var scenario = new DirectScenario(run, o.Int("pairs", 250), o.Int("size", 100));
        await scenario.SetUpAsync();
        DirectStep? best = null;
        await using (run.ShowProgress())
        {
            foreach (var rate in rates)
            {
                if (run.Stopping.IsCancellationRequested) break;
                var step = await scenario.RunStepAsync(rate, stepDuration);
                var held = step.Lost == 0 && step.Duplicated == 0 && step.Deliver.P99Ms <= limit && step.AchievedRate >= 0.9 * rate;
                run.Log.WriteLine($"step {rate}/s: achieved {step.AchievedRate:0}/s, p99 deliver {step.Deliver.P99Ms:0.0} ms, lost {step.Lost}, dup {step.Duplicated} -> {(held ? "held" : "failed")}");
                run.Add($"step.{rate}.achievedRate", Math.Round(step.AchievedRate, 1));
                run.Add($"step.{rate}.deliverP99Ms", Math.Round(step.Deliver.P99Ms, 2));
                run.Add($"step.{rate}.lost", step.Lost);
                if (!held) break;
                best = step;
            }
        }
        run.Add("maxSustainableRate", best?.TargetRate ?? 0);
        if (best is not null) scenario.Report(best, "best.");
        return 0;
    }
}
