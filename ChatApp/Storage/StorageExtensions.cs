using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApp.Storage;

public static class StorageExtensions
{
    public const string DefaultConnectionString = "Data Source=data/chatapp.db";

    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        // Read when first needed, so test hosts and environment variables can still set it.
        builder.Services.AddSingleton(sp =>
            new SqliteDatabase(sp.GetRequiredService<IConfiguration>().GetConnectionString("Chat") ?? DefaultConnectionString));
        // The factory also registers the context as a scoped service for the HTTP handlers. Code that runs for the
        // whole life of a socket (authenticating the upgrade) takes a context from the factory and drops it at
        // once, instead of holding a scoped one for as long as the socket stays open.
        builder.Services.AddDbContextFactory<ChatDbContext>((sp, o) => o
            .UseSqlite(sp.GetRequiredService<SqliteDatabase>().ConnectionString)
            .AddInterceptors(new SqliteDatabase.PragmaInterceptor()));
        builder.Services.TryAddSingleton<IMessageStore, SqliteMessageStore>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IdGenerator>();
        // Registered before every other hosted service, so the schema exists before anything uses it.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseMigrator>());
        builder.Services.AddHostedService<WalCheckpointer>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    public static IEndpointRouteBuilder MapStorage(this IEndpointRouteBuilder app)
    {
        // Live: the process answers. Ready: and its database does too.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}

/// <summary>Applies EF Core migrations and turns on WAL before the node takes traffic.</summary>
sealed class DatabaseMigrator(IServiceScopeFactory scopes, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        // journal_mode is stored in the file: set once, it holds for every later connection.
        await db.Database.OpenConnectionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        logger.LogInformation("Database ready");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

sealed class DatabaseHealthCheck(ChatDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
