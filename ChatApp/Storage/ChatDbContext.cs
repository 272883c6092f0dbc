using System.Text;
using ChatApp.Accounts;
using ChatApp.Conversations;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Storage;

public sealed class ChatDbContext(DbContextOptions<ChatDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ConversationMember> ConversationMembers => Set<ConversationMember>();
    public DbSet<MessageRecord> Messages => Set<MessageRecord>();
    public DbSet<InboxEntry> InboxEntries => Set<InboxEntry>();
    public DbSet<InboxHead> InboxHeads => Set<InboxHead>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Every stored time is UTC; say so on the way back out, so JSON writes "Z".
        builder.Properties<DateTime>().HaveConversion<UtcConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    sealed class UtcConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<User>(e =>
        {
            e.ToTable("users");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Username).HasMaxLength(32);
            e.Property(x => x.DisplayName).HasMaxLength(64);
            e.HasIndex(x => x.Username).IsUnique();
        });
        b.Entity<Device>(e =>
        {
            e.ToTable("devices");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Name).HasMaxLength(64);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => x.UserId);
        });
        b.Entity<Conversation>(e =>
        {
            e.ToTable("conversations");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasIndex(x => x.DirectKey).IsUnique();
            e.HasMany(x => x.Members).WithOne().HasForeignKey(m => m.ConversationId);
        });
        b.Entity<ConversationMember>(e =>
        {
            e.ToTable("conversation_members");
            e.HasKey(x => new { x.ConversationId, x.UserId });
            e.HasIndex(x => x.UserId);
        });
        b.Entity<MessageRecord>(e =>
        {
            e.ToTable("messages");
            e.HasKey(x => new { x.ConversationId, x.Id });
            e.Property(x => x.ClientMsgId).HasMaxLength(64);
            e.HasIndex(x => new { x.SenderId, x.ClientMsgId }).IsUnique();
        });
        b.Entity<InboxEntry>(e =>
        {
            e.ToTable("inbox_entries");
            e.HasKey(x => new { x.UserId, x.Seq });
        });
        b.Entity<InboxHead>(e =>
        {
            e.ToTable("inbox_heads");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).ValueGeneratedNever();
        });

        // snake_case names, so hand-written SQL reads the same on SQLite and PostgreSQL.
        foreach (var entity in b.Model.GetEntityTypes())
        {
            foreach (var p in entity.GetProperties()) p.SetColumnName(Snake(p.Name));
            foreach (var k in entity.GetKeys()) k.SetName("pk_" + entity.GetTableName());
            foreach (var i in entity.GetIndexes())
                i.SetDatabaseName($"ix_{entity.GetTableName()}_{string.Join("_", i.Properties.Select(p => Snake(p.Name)))}");
            foreach (var f in entity.GetForeignKeys())
                f.SetConstraintName($"fk_{entity.GetTableName()}_{f.PrincipalEntityType.GetTableName()}");
        }
    }

    static string Snake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
