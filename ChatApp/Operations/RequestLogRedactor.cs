using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ChatApp.Operations;

/// <summary>
/// The host logs every request URL with its query string ("Request starting GET /ws?access_token=..."). Filtering
/// that category out is not enough: a provider-specific level (<c>Logging:Console:LogLevel:Default</c>) outranks
/// any category filter. So the host's logger is wrapped, and the token's value is replaced before any provider sees it.
/// </summary>
sealed class RequestLogRedactor(ILoggerFactory inner) : ILoggerFactory
{
    const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static void Register(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RequestLogRedactor(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>()))));

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == HostingCategory ? new Logger(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is not IReadOnlyList<KeyValuePair<string, object?>> values
                || values.FirstOrDefault(v => v.Key == "QueryString").Value is not string { Length: > 1 } query
                || Redact(query) is not { } redacted)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            var message = formatter(state, exception).Replace(query, redacted, StringComparison.Ordinal);
            KeyValuePair<string, object?>[] safe = [.. values.Select(v => v.Key == "QueryString" ? new(v.Key, redacted) : v)];
            inner.Log(logLevel, eventId, new Redacted(message, safe), exception, static (s, _) => s.Message);
        }

        /// <summary>The query with each access_token value replaced; null when it has none. Parsed, so encoded or upper-case names count too.</summary>
        static string? Redact(string query)
        {
            var parsed = QueryHelpers.ParseQuery(query); // keys decoded, compared ignoring case, like Request.Query
            if (!parsed.ContainsKey("access_token")) return null;
            return QueryString.Create(parsed.Select(p => KeyValuePair.Create(p.Key,
                string.Equals(p.Key, "access_token", StringComparison.OrdinalIgnoreCase) ? new StringValues("redacted") : p.Value))).Value;
        }
    }

    /// <summary>A log entry's structured values, the way the host's own log states expose them.</summary>
    sealed class Redacted(string message, KeyValuePair<string, object?>[] values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;
        public int Count => values.Length;
        public KeyValuePair<string, object?> this[int index] => values[index];
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)values).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => values.GetEnumerator();
        public override string ToString() => message;
    }
}
