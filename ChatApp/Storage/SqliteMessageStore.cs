using Microsoft.Data.Sqlite;

namespace ChatApp.Storage;

/// <summary>
/// <see cref="IMessageStore"/> on SQLite through prepared ADO.NET commands: EF Core's SQLite provider sends
/// one command per row, which the hot write path cannot afford. The SQL is plain and portable
/// (<c>INSERT ... ON CONFLICT ... RETURNING</c> reads the same on PostgreSQL).
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
            _write ??= new WriteCommands(database.OpenConnection());
            try
            {
                return AppendInTransaction(_write, batch);
            }
            catch (SqliteException ex) when (batch.Count == 1)
            {
                // A lone message gets the same Failed outcome it would get inside a batch, per the contract.
                logger.LogError(ex, "Message {MessageId} could not be stored", batch[0].Id);
                return [AppendOutcome.Failed];
            }
            catch (SqliteException ex)
            {
                // Find the message that broke the batch by storing each alone, so the others still land.
                logger.LogWarning(ex, "A batch of {Count} messages failed; storing them one by one", batch.Count);
                var outcomes = new List<AppendOutcome>(batch.Count);
                foreach (var message in batch)
                {
                    try { outcomes.Add(AppendInTransaction(_write, [message])[0]); }
                    catch (SqliteException one)
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
        var members = new Dictionary<long, long[]>();
        var firstInBatch = new Dictionary<(long, string), int>();
        var entriesPerUser = new SortedDictionary<long, long>();
        var planned = new bool[batch.Count];
        List<(int Index, int First)>? repeats = null;

        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            if (firstInBatch.TryGetValue((m.SenderId, m.ClientMsgId), out var first))
            {
                (repeats ??= []).Add((i, first));
                continue;
            }
            if (c.FindSent(m.SenderId, m.ClientMsgId) is { } sent)
            {
                outcomes[i] = new AppendOutcome(AppendStatus.Duplicate, sent.Message, sent.SenderSeq, []);
                continue;
            }
            if (!members.TryGetValue(m.ConversationId, out var ids))
                members[m.ConversationId] = ids = c.Members(m.ConversationId);
            if (Array.BinarySearch(ids, m.SenderId) < 0)
            {
                outcomes[i] = AppendOutcome.NotFound;
                continue;
            }
            foreach (var u in ids) entriesPerUser[u] = entriesPerUser.GetValueOrDefault(u) + 1;
            firstInBatch[(m.SenderId, m.ClientMsgId)] = i;
            planned[i] = true;
        }

        // One counter bump per user per batch, in ascending user order so concurrent writers lock alike.
        var nextSeq = new Dictionary<long, long>(entriesPerUser.Count);
        foreach (var (user, count) in entriesPerUser)
            nextSeq[user] = c.BumpHead(user, count) - count + 1;

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
                if (ids[r] == m.SenderId) senderSeq = seq;
            }
            c.InsertMessage(m, senderSeq);
            foreach (var r in recipients) c.InsertEntry(r, m);
            outcomes[i] = new AppendOutcome(AppendStatus.Stored,
                new StoredMessage(m.Id, m.ConversationId, m.SenderId, m.ClientMsgId, m.Body), senderSeq, recipients);
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

    /// <summary>The writer's connection and its prepared statements, reused for every batch.</summary>
    sealed class WriteCommands : IDisposable
    {
        public readonly SqliteConnection Connection;
        readonly SqliteCommand _findSent, _members, _bumpHead, _insertMessage, _insertEntry;

        public WriteCommands(SqliteConnection connection)
        {
            Connection = connection;
            _findSent = Prepare("SELECT conversation_id, id, body, sender_seq FROM messages WHERE sender_id = $s AND client_msg_id = $c", "$s", "$c");
            _members = Prepare("SELECT user_id FROM conversation_members WHERE conversation_id = $c ORDER BY user_id", "$c");
            _bumpHead = Prepare("""
                INSERT INTO inbox_heads (user_id, last_seq) VALUES ($u, $n)
                ON CONFLICT (user_id) DO UPDATE SET last_seq = inbox_heads.last_seq + excluded.last_seq
                RETURNING last_seq
                """, "$u", "$n");
            _insertMessage = Prepare("""
                INSERT INTO messages (conversation_id, id, sender_id, client_msg_id, body, sender_seq)
                VALUES ($conv, $id, $sender, $client, $body, $seq)
                """, "$conv", "$id", "$sender", "$client", "$body", "$seq");
            _insertEntry = Prepare("""
                INSERT INTO inbox_entries (user_id, seq, kind, conversation_id, message_id)
                VALUES ($u, $seq, $kind, $conv, $msg)
                """, "$u", "$seq", "$kind", "$conv", "$msg");
        }

        SqliteCommand Prepare(string sql, params string[] names)
        {
            var cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            foreach (var n in names) cmd.Parameters.Add(new SqliteParameter { ParameterName = n });
            return cmd;
        }

        public void Enlist(SqliteTransaction tx)
        {
            _findSent.Transaction = _members.Transaction = _bumpHead.Transaction = _insertMessage.Transaction = _insertEntry.Transaction = tx;
        }

        public (StoredMessage Message, long SenderSeq)? FindSent(long sender, string clientMsgId)
        {
            _findSent.Parameters[0].Value = sender;
            _findSent.Parameters[1].Value = clientMsgId;
            using var r = _findSent.ExecuteReader();
            if (!r.Read()) return null;
            return (new StoredMessage(r.GetInt64(1), r.GetInt64(0), sender, clientMsgId, r.GetString(2)), r.GetInt64(3));
        }

        public long[] Members(long conversationId)
        {
            _members.Parameters[0].Value = conversationId;
            var ids = new List<long>(4);
            using var r = _members.ExecuteReader();
            while (r.Read()) ids.Add(r.GetInt64(0));
            return [.. ids];
        }

        public long BumpHead(long user, long count)
        {
            _bumpHead.Parameters[0].Value = user;
            _bumpHead.Parameters[1].Value = count;
            return (long)_bumpHead.ExecuteScalar()!;
        }

        public void InsertMessage(NewMessage m, long senderSeq)
        {
            var p = _insertMessage.Parameters;
            p[0].Value = m.ConversationId; p[1].Value = m.Id; p[2].Value = m.SenderId;
            p[3].Value = m.ClientMsgId; p[4].Value = m.Body; p[5].Value = senderSeq;
            _insertMessage.ExecuteNonQuery();
        }

        public void InsertEntry(Recipient r, NewMessage m)
        {
            var p = _insertEntry.Parameters;
            p[0].Value = r.UserId; p[1].Value = r.Seq; p[2].Value = (int)InboxEntryKind.Message;
            p[3].Value = m.ConversationId; p[4].Value = m.Id;
            _insertEntry.ExecuteNonQuery();
        }

        public void Dispose()
        {
            foreach (var cmd in new[] { _findSent, _members, _bumpHead, _insertMessage, _insertEntry }) cmd.Dispose();
            Connection.Dispose();
        }
    }
}
