using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChatApp.Tests.Support;

/// <summary>
/// The app on a temporary database file of its own. A shared in-memory SQLite connection does not mix with WAL,
/// the background writer and restart tests, so every factory gets a real file (deleted with its folder).
/// Pass the same <see cref="DatabaseDirectory"/> to a second factory to "restart" on the same data.
/// </summary>
public sealed class ChatAppFactory : WebApplicationFactory<Program>
{
    readonly Dictionary<string, string?> _settings;
    readonly Action<IWebHostBuilder>? _configure;
    readonly bool _ownsDirectory;

    /// <param name="configure">Applied after the app's own setup: replace services (a fake <see cref="TimeProvider"/>) or add log providers.</param>
    public ChatAppFactory(string? databaseDirectory = null, bool kestrel = false, Dictionary<string, string?>? settings = null,
        Action<IWebHostBuilder>? configure = null)
    {
        _ownsDirectory = databaseDirectory is null;
        DatabaseDirectory = databaseDirectory ?? Directory.CreateTempSubdirectory("chatapp-test-").FullName;
        _settings = settings ?? [];
        _configure = configure;
        IsKestrel = kestrel;
        if (kestrel)
        {
            UseKestrel(0);
            StartServer();
        }
    }

    public string DatabaseDirectory { get; }
    /// <summary>True when the app runs on a real Kestrel socket (needed for backpressure and size-limit tests).</summary>
    public bool IsKestrel { get; }
    public string DatabasePath => Path.Combine(DatabaseDirectory, "chat.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Chat", $"Data Source={DatabasePath}");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        _configure?.Invoke(builder);
    }

    /// <summary>A client for this server: HTTP, WebSocket, and the usual sign-up steps.</summary>
    public TestClient NewClient() => new(this);

    public void DeleteData() => DeleteDirectory(DatabaseDirectory);

    /// <summary>Deletes a database folder, for tests that pass one of their own to several factories in turn.</summary>
    public static void DeleteDirectory(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDirectory) DeleteData();
    }
}
