using ChatApp.Accounts;
using ChatApp.Conversations;
using ChatApp.Storage;
using ChatApp.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatApp.Tests.Contracts;

/// <summary>The message store contract on SQLite: a database file of its own per test, migrated and in WAL mode as the app runs it.</summary>
public sealed class SqliteMessageStoreContractTests : MessageStoreContract
{
    readonly string _directory = Directory.CreateTempSubdirectory("chatapp-store-").FullName;
    readonly List<SqliteMessageStore> _stores = [];
    SqliteDatabase? _database;

    public override async Task InitializeAsync()
    {
        _database = new SqliteDatabase($"Data Source={Path.Combine(_directory, "chat.db")}");
        await using (var db = NewContext())
        {
            // As DatabaseMigrator does at startup.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
            await db.Database.MigrateAsync();
        }
        await base.InitializeAsync();
    }

    protected override Task<IMessageStore> CreateStoreAsync()
    {
        var store = new SqliteMessageStore(_database!, NullLogger<SqliteMessageStore>.Instance);
        _stores.Add(store);
        return Task.FromResult<IMessageStore>(store);
    }

    protected override async Task AddConversationAsync(long conversationId, IReadOnlyList<long> memberIds)
    {
        await using var db = NewContext();
        var now = DateTime.UtcNow;
        var existing = await db.Users.Where(u => memberIds.Contains(u.Id)).Select(u => u.Id).ToListAsync();
        foreach (var id in memberIds.Except(existing))
            db.Users.Add(new User { Id = id, Username = $"user{id}", DisplayName = $"User {id}", PasswordHash = "unused", CreatedAt = now });
        db.Conversations.Add(new Conversation
        {
            Id = conversationId,
            Kind = ConversationKind.Group,
            CreatedAt = now,
            Members = [.. memberIds.Select(id => new ConversationMember { ConversationId = conversationId, UserId = id, JoinedAt = now })],
        });
        await db.SaveChangesAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Disposal.DisposeAllAsync(_stores);
        // Close this database's pooled connections (only these: other tests run alongside) so its folder can go.
        if (_database is not null)
            using (var connection = new SqliteConnection(_database.ConnectionString)) SqliteConnection.ClearPool(connection);
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    ChatDbContext NewContext() => new(new DbContextOptionsBuilder<ChatDbContext>()
        .UseSqlite(_database!.ConnectionString)
        .AddInterceptors(new SqliteDatabase.PragmaInterceptor())
        .Options);
}
