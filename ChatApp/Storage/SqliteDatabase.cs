using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatApp.Storage;

/// <summary>Opens connections to the embedded database with the settings every connection needs.</summary>
public sealed class SqliteDatabase
{
    // synchronous is per connection: FULL makes every commit fsync the WAL, so an ack survives power loss.
    // busy_timeout lets the EF connections and the batching writer take turns at SQLite's single write lock.
    // cache_size: SQLite's default page cache is 2 MB per connection; once the indexes outgrow it, every batch
    // re-reads the pages it updates. The writer gets a larger cache: it touches every index on every batch.
    internal const string ConnectionPragmas =
        "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;";
    // The writer never checkpoints inside its own commits: WalCheckpointer does that beside it.
    const string WriterPragmas = "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 0;";

    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        }
        ConnectionString = builder.ToString();
        if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } path && path != ":memory:")
            FilePath = Path.GetFullPath(path);
    }

    /// <summary>The database file, or null for an in-memory database.</summary>
    public string? FilePath { get; }

    public string ConnectionString { get; }

    public SqliteConnection OpenConnection(bool writer = false)
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = writer ? ConnectionPragmas + WriterPragmas : ConnectionPragmas;
        cmd.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Applies <see cref="ConnectionPragmas"/> to the connections EF Core opens.</summary>
    internal sealed class PragmaInterceptor : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = ConnectionPragmas;
            cmd.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = ConnectionPragmas;
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
