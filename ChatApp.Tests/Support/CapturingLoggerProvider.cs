using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatApp.Tests.Support;

/// <summary>
/// Records every log entry of every category at every level: the formatted message, each structured value
/// (a JSON log sink writes those too) and any exception.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    readonly ConcurrentQueue<string> _entries = new();

    /// <summary>Everything logged so far, one string per message, structured value or exception.</summary>
    public IReadOnlyCollection<string> Entries => [.. _entries];

    /// <summary>Adds this provider to a host with its minimum level at Trace, whatever the app's own filters say.</summary>
    public void AddTo(IWebHostBuilder builder) => builder.ConfigureLogging(logging => logging
        .SetMinimumLevel(LogLevel.Trace)
        .AddProvider(this)
        // A rule for this provider outranks the app's per-category rules, so nothing is filtered out for it.
        .AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose() { }

    sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            entries.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values) entries.Enqueue($"{category} {key}={value}");
            if (exception is not null) entries.Enqueue($"{category} exception: {exception}");
        }
    }
}
