namespace ChatApp.Storage;

/// <summary>
/// Copies the write-ahead log into the database file in the background, so the batching writer never pays for
/// it. SQLite's default is to checkpoint inside whichever commit crosses 1,000 WAL pages; with the writer's large
/// batches that was nearly every batch, and each one then waited for a second fsync of the whole database file.
/// A passive checkpoint runs beside the writer without blocking it. Under constant load a passive checkpoint can
/// never reset the log, so once it passes <see cref="RestartBytes"/> a restarting checkpoint briefly holds the
/// writer back to start the log over.
/// </summary>
sealed class WalCheckpointer(SqliteDatabase database, ILogger<WalCheckpointer> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    const long RestartBytes = 256L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wal = database.FilePath is { } file ? file + "-wal" : null;
        if (wal is null) return; // an in-memory database has no log
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var mode = File.Exists(wal) && new FileInfo(wal).Length > RestartBytes ? "RESTART" : "PASSIVE";
                await using var connection = database.OpenConnection();
                await using var cmd = connection.CreateCommand();
                cmd.CommandText = $"PRAGMA wal_checkpoint({mode});";
                await cmd.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "WAL checkpoint failed; retrying in {Interval}", Interval);
            }
        }
    }
}
