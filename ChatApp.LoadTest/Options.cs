using System.Globalization;

namespace ChatApp.LoadTest;

/// <summary>Command-line options: <c>scenario --name value ...</c>.</summary>
public sealed class LoadOptions
{
    public string Scenario { get; private set; } = "";
    readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    readonly HashSet<string> _flags = new(StringComparer.OrdinalIgnoreCase);

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (options.Scenario.Length > 0) throw new ArgumentException($"unexpected argument '{arg}'");
                options.Scenario = arg;
                continue;
            }
            var name = arg[2..];
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) options._values[name] = args[++i];
            else options._flags.Add(name);
        }
        return options;
    }

    public bool Flag(string name) => _flags.Contains(name);
    public string? String(string name) => _values.GetValueOrDefault(name);
    public string String(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A duration: "30" or "30s", "2m", "500ms".</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        if (!_values.TryGetValue(name, out var v)) return fallback;
        if (v.EndsWith("ms", StringComparison.Ordinal)) return TimeSpan.FromMilliseconds(double.Parse(v[..^2], CultureInfo.InvariantCulture));
        if (v.EndsWith('s')) return TimeSpan.FromSeconds(double.Parse(v[..^1], CultureInfo.InvariantCulture));
        if (v.EndsWith('m')) return TimeSpan.FromMinutes(double.Parse(v[..^1], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(double.Parse(v, CultureInfo.InvariantCulture));
    }
}
