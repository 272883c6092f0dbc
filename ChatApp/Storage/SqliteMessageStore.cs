using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ChatApp.Storage;

/// <summary>
/// <see cref="IMessageStore"/> on SQLite through prepared ADO.NET commands: EF Core's SQLite provider sends
/// one command per row, which the hot write path cannot afford. A batch is written with five set-based
/// statements; a PostgreSQL store keeps their shape (<c>INSERT ... SELECT ... ON CONFLICT ... RETURNING</c>) and
/// reads its rows with <c>unnest</c> or <c>jsonb_array_elements</c> instead of <c>json_each</c>.
/// </summary>
public sealed class SqliteMessageStore(SqliteDatabase database, ILogger<SqliteMessageStore> logger) : IMessageStore, IAsyncDisposable
{
    readonly SemaphoreSlim _writeGate = new(1, 1);
    WriteCommands? _write;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<NewMessage> batch, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            _write ??= new WriteCommands(database.OpenConnection(writer: true));
            try
            {
                return AppendInTransaction(_write, batch);
            }
            catch (Exception ex) when (batch.Count == 1 && ex is not OperationCanceledException)
            {
                // A lone message gets the same Failed outcome it would get inside a batch, per the contract.
                logger.LogError(ex, "Message {MessageId} could not be stored", batch[0].Id);
                return [AppendOutcome.Failed];
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Find the message that broke the batch by storing each alone, so the others still land.
                logger.LogWarning(ex, "A batch of {Count} messages failed; storing them one by one", batch.Count);
                var outcomes = new List<AppendOutcome>(batch.Count);
                foreach (var message in batch)
                {
                    try { outcomes.Add(AppendInTransaction(_write, [message])[0]); }
                    catch (Exception one) when (one is not OperationCanceledException)
                    {
                        logger.LogError(one, "Message {MessageId} could not be stored", message.Id);
                        outcomes.Add(AppendOutcome.Failed);
                    }
                }
                return outcomes;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    static AppendOutcome[] AppendInTransaction(WriteCommands c, IReadOnlyList<NewMessage> batch)
    {
        using var tx = c.Connection.BeginTransaction(); // BEGIN IMMEDIATE: take the write lock up front.
        c.Enlist(tx);
        var outcomes = new AppendOutcome[batch.Count];
        var planned = new bool[batch.Count];
        var firstInBatch = new Dictionary<(long, string), int>(batch.Count);
        List<(int Index, int First)>? repeats = null;

        // Set-based: a handful of statements per batch, each fed one JSON array, instead of several per message.
        var sent = c.FindSent(batch);
        var members = c.Members(batch);
        var entriesPerUser = new SortedDictionary<long, long>();
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            if (firstInBatch.TryGetValue((m.SenderId, m.ClientMsgId), out var first))
            {
                (repeats ??= []).Add((i, first));
                continue;
            }
            if (sent.TryGetValue((m.SenderId, m.ClientMsgId), out var original))
            {
                outcomes[i] = new AppendOutcome(AppendStatus.Duplicate, original.Message, original.SenderSeq, []);
                continue;
            }
            if (!members.TryGetValue(m.ConversationId, out var ids) || Array.BinarySearch(ids, m.SenderId) < 0)
            {
                outcomes[i] = AppendOutcome.NotFound;
                continue;
            }
            foreach (var u in ids) entriesPerUser[u] = entriesPerUser.GetValueOrDefault(u) + 1;
            firstInBatch[(m.SenderId, m.ClientMsgId)] = i;
            planned[i] = true;
        }

        if (entriesPerUser.Count > 0)
        {
            // One counter bump per user per batch, in ascending user order so concurrent writers lock alike.
            var nextSeq = c.BumpHeads(entriesPerUser);
            var rows = new List<(NewMessage Message, long SenderSeq)>(batch.Count);
            var entries = new List<(Recipient Recipient, NewMessage Message)>(batch.Count * 2);
            for (var i = 0; i < batch.Count; i++)
            {
                if (!planned[i]) continue;
                var m = batch[i];
                var ids = members[m.ConversationId];
                var recipients = new Recipient[ids.Length];
                long senderSeq = 0;
                for (var r = 0; r < ids.Length; r++)
                {
                    var seq = nextSeq[ids[r]]++;
                    recipients[r] = new Recipient(ids[r], seq);
                    entries.Add((recipients[r], m));
                    if (ids[r] == m.SenderId) senderSeq = seq;
                }
                rows.Add((m, senderSeq));
                outcomes[i] = new AppendOutcome(AppendStatus.Stored,
                    new StoredMessage(m.Id, m.ConversationId, m.SenderId, m.ClientMsgId, m.Body), senderSeq, recipients);
            }
            c.InsertMessages(rows);
            c.InsertEntries(entries);
        }
        if (repeats is not null)
            foreach (var (index, first) in repeats)
                outcomes[index] = outcomes[first] with { Status = AppendStatus.Duplicate, Recipients = [] };
        tx.Commit();
        return outcomes;
    }

    /// <inheritdoc/>
    public async Task<(IReadOnlyList<InboxItem> Items, bool HasMore)> ReadInboxAsync(long userId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        await using var conn = database.OpenConnection();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT e.seq, m.id, m.conversation_id, m.sender_id, m.client_msg_id, m.body
            FROM inbox_entries e JOIN messages m ON m.conversation_id = e.conversation_id AND m.id = e.message_id
            WHERE e.user_id = $user AND e.seq > $after ORDER BY e.seq LIMIT $limit
            """;
        cmd.Parameters.AddWithValue("$user", userId);
        cmd.Parameters.AddWithValue("$after", afterSeq);
        cmd.Parameters.AddWithValue("$limit", limit + 1);
        var items = new List<InboxItem>(Math.Min(limit, 1024));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == limit) return (items, true);
            items.Add(new InboxItem(reader.GetInt64(0), new StoredMessage(
                reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5))));
        }
        return (items, false);
    }

    /// <inheritdoc/>
    public async Task<(IReadOnlyList<StoredMessage> Items, bool HasMore)> ReadHistoryAsync(long conversationId, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var conn = database.OpenConnection();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT id, sender_id, client_msg_id, body FROM messages
            WHERE conversation_id = $conversation AND id < $before ORDER BY id DESC LIMIT $limit
            """;
        cmd.Parameters.AddWithValue("$conversation", conversationId);
        cmd.Parameters.AddWithValue("$before", beforeId ?? long.MaxValue);
        cmd.Parameters.AddWithValue("$limit", limit + 1);
        var items = new List<StoredMessage>(limit);
        var hasMore = false;
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (items.Count == limit) { hasMore = true; break; }
                items.Add(new StoredMessage(reader.GetInt64(0), conversationId, reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        items.Reverse();
        return (items, hasMore);
    }

    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync();
        _write?.Dispose();
        _write = null;
    }

    /// <summary>
    /// The writer's connection and its prepared statements, reused for every batch. Each statement takes one JSON
    /// array (read with SQLite's <c>json_each</c>), so a batch costs a few statements whatever its size; Microsoft.Data.Sqlite
    /// spends more per statement than SQLite does per row.
    /// </summary>
    sealed class WriteCommands : IDisposable
    {
        public readonly SqliteConnection Connection;
        readonly SqliteCommand _findSent, _members, _bumpHeads, _insertMessages, _insertEntries;
        readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

        public WriteCommands(SqliteConnection connection)
        {
            Connection = connection;
            _findSent = Prepare("""
                SELECT m.sender_id, m.client_msg_id, m.conversation_id, m.id, m.body, m.sender_seq
                FROM json_each($json) k
                JOIN messages m ON m.sender_id = json_extract(k.value, '$[0]') AND m.client_msg_id = json_extract(k.value, '$[1]')
                """);
            _members = Prepare("""
                SELECT conversation_id, user_id FROM conversation_members
                WHERE conversation_id IN (SELECT value FROM json_each($json))
                ORDER BY conversation_id, user_id
                """);
            _bumpHeads = Prepare("""
                INSERT INTO inbox_heads (user_id, last_seq)
                SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($json) WHERE true
                ON CONFLICT (user_id) DO UPDATE SET last_seq = inbox_heads.last_seq + excluded.last_seq
                RETURNING user_id, last_seq
                """);
            _insertMessages = Prepare("""
                INSERT INTO messages (conversation_id, id, sender_id, client_msg_id, body, sender_seq)
                SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                       json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]')
                FROM json_each($json)
                """);
            _insertEntries = Prepare("""
                INSERT INTO inbox_entries (user_id, seq, kind, conversation_id, message_id)
                SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                       json_extract(value, '$[3]'), json_extract(value, '$[4]')
                FROM json_each($json)
                """);
        }

        SqliteCommand Prepare(string sql)
        {
            var cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.Add(new SqliteParameter { ParameterName = "$json" });
            cmd.Prepare();
            return cmd;
        }

        public void Enlist(SqliteTransaction tx)
        {
            _findSent.Transaction = _members.Transaction = _bumpHeads.Transaction = _insertMessages.Transaction = _insertEntries.Transaction = tx;
        }

        /// <summary>
        /// Writes the items as JSON arrays of at most <see cref="MaxChunkBytes"/> each (one oversized item still goes
        /// alone). Kept under the large-object heap's threshold: a big string per statement per batch made the GC run
        /// a full collection several times a second under load.
        /// </summary>
        List<string> Chunks<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
        {
            var chunks = new List<string>(1);
            _buffer.ResetWrittenCount();
            var json = new Utf8JsonWriter(_buffer);
            json.WriteStartArray();
            var count = 0;
            foreach (var item in items)
            {
                write(json, item);
                count++;
                json.Flush();
                if (_buffer.WrittenCount < MaxChunkBytes) continue;
                Close();
                json.Reset(_buffer);
                json.WriteStartArray();
                count = 0;
            }
            if (count > 0 || chunks.Count == 0) Close();
            json.Dispose();
            return chunks;

            void Close()
            {
                json.WriteEndArray();
                json.Flush();
                chunks.Add(Encoding.UTF8.GetString(_buffer.WrittenSpan));
                _buffer.ResetWrittenCount();
            }
        }

        // 32 KB of UTF-8 is at most 32 K chars, i.e. 64 KB as a .NET string: below the 85,000-byte LOH threshold.
        const int MaxChunkBytes = 32 * 1024;

        SqliteDataReader Read(SqliteCommand cmd, string json)
        {
            cmd.Parameters[0].Value = json;
            return cmd.ExecuteReader();
        }

        void Execute(SqliteCommand cmd, string json)
        {
            cmd.Parameters[0].Value = json;
            cmd.ExecuteNonQuery();
        }

        public Dictionary<(long, string), (StoredMessage Message, long SenderSeq)> FindSent(IReadOnlyList<NewMessage> batch)
        {
            var found = new Dictionary<(long, string), (StoredMessage, long)>();
            foreach (var chunk in Chunks(batch, static (j, m) =>
                {
                    j.WriteStartArray(); j.WriteNumberValue(m.SenderId); j.WriteStringValue(m.ClientMsgId); j.WriteEndArray();
                }))
            {
                using var r = Read(_findSent, chunk);
                while (r.Read())
                {
                    var (sender, clientMsgId) = (r.GetInt64(0), r.GetString(1));
                    found[(sender, clientMsgId)] = (new StoredMessage(r.GetInt64(3), r.GetInt64(2), sender, clientMsgId, r.GetString(4)), r.GetInt64(5));
                }
            }
            return found;
        }

        /// <summary>Each conversation's members, sorted by user id.</summary>
        public Dictionary<long, long[]> Members(IReadOnlyList<NewMessage> batch)
        {
            var lists = new Dictionary<long, List<long>>();
            foreach (var chunk in Chunks(batch.Select(m => m.ConversationId).Distinct(), static (j, id) => j.WriteNumberValue(id)))
            {
                using var r = Read(_members, chunk);
                while (r.Read())
                {
                    var conversation = r.GetInt64(0);
                    if (!lists.TryGetValue(conversation, out var ids)) lists[conversation] = ids = new List<long>(2);
                    ids.Add(r.GetInt64(1));
                }
            }
            return lists.ToDictionary(p => p.Key, p => p.Value.ToArray());
        }

        /// <summary>Adds each user's count to their counter row; returns each user's first new seq.</summary>
        public Dictionary<long, long> BumpHeads(SortedDictionary<long, long> counts)
        {
            var next = new Dictionary<long, long>(counts.Count);
            // Chunks keep the ascending user order, so rows are still locked in one global order.
            foreach (var chunk in Chunks(counts, static (j, p) =>
                {
                    j.WriteStartArray(); j.WriteNumberValue(p.Key); j.WriteNumberValue(p.Value); j.WriteEndArray();
                }))
            {
                using var r = Read(_bumpHeads, chunk);
                while (r.Read())
                {
                    var user = r.GetInt64(0);
                    next[user] = r.GetInt64(1) - counts[user] + 1;
                }
            }
            if (next.Count != counts.Count) throw new InvalidOperationException("The inbox counters did not all answer.");
            return next;
        }

        public void InsertMessages(List<(NewMessage Message, long SenderSeq)> rows)
        {
            foreach (var chunk in Chunks(rows, static (j, row) =>
                {
                    var m = row.Message;
                    j.WriteStartArray();
                    j.WriteNumberValue(m.ConversationId); j.WriteNumberValue(m.Id); j.WriteNumberValue(m.SenderId);
                    j.WriteStringValue(m.ClientMsgId); j.WriteStringValue(m.Body); j.WriteNumberValue(row.SenderSeq);
                    j.WriteEndArray();
                }))
                Execute(_insertMessages, chunk);
        }

        public void InsertEntries(List<(Recipient Recipient, NewMessage Message)> entries)
        {
            foreach (var chunk in Chunks(entries, static (j, e) =>
                {
                    j.WriteStartArray();
                    j.WriteNumberValue(e.Recipient.UserId); j.WriteNumberValue(e.Recipient.Seq); j.WriteNumberValue((int)InboxEntryKind.Message);
                    j.WriteNumberValue(e.Message.ConversationId); j.WriteNumberValue(e.Message.Id);
                    j.WriteEndArray();
                }))
                Execute(_insertEntries, chunk);
        }

        public void Dispose()
        {
            foreach (var cmd in new[] { _findSent, _members, _bumpHeads, _insertMessages, _insertEntries }) cmd.Dispose();
            Connection.Dispose();
        }
    }
}
