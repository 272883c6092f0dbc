using System.Diagnostics.Metrics;

namespace ChatApp.Chat;

/// <summary>
/// The chat path's own meters (meter "ChatApp"), readable live with
/// <c>dotnet-counters monitor -n ChatApp --counters ChatApp</c>.
/// </summary>
static class ChatMetrics
{
    static readonly Meter Meter = new("ChatApp");

    /// <summary>Messages per store transaction: larger batches mean fewer commits and fsyncs per message.</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("chatapp.store.batch.size", "{message}");

    /// <summary>Time to store one batch, commit and fsync included.</summary>
    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("chatapp.store.batch.duration", "ms");

    /// <summary>Time to ack and route one stored batch.</summary>
    public static readonly Histogram<double> RouteDuration = Meter.CreateHistogram<double>("chatapp.route.batch.duration", "ms");
}
