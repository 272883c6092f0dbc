using ChatApp.Discovery;
using Microsoft.Extensions.Options;

namespace ChatApp.Storage;

/// <summary>
/// Snowflake-style 64-bit ids: 41 bits of milliseconds since <see cref="Epoch"/>, 10 bits of node id and
/// 12 bits of per-millisecond sequence. Ids from one node rise strictly; ids from different nodes never
/// collide as long as each node has its own <c>Node:Id</c>. Thread-safe.
/// </summary>
public sealed class IdGenerator
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    const int NodeBits = 10, SequenceBits = 12;
    const long SequenceMask = (1L << SequenceBits) - 1;

    readonly TimeProvider _time;
    readonly long _node;
    readonly Lock _lock = new();
    long _lastMs = -1, _sequence;

    public IdGenerator(IOptions<NodeOptions> node, TimeProvider time)
    {
        _time = time;
        _node = node.Value.Id;
    }

    public long Next()
    {
        lock (_lock)
        {
            var ms = (long)(_time.GetUtcNow() - Epoch).TotalMilliseconds;
            // A clock that steps back must not produce an id below one already handed out.
            if (ms < _lastMs) ms = _lastMs;
            if (ms == _lastMs)
            {
                _sequence = (_sequence + 1) & SequenceMask;
                if (_sequence == 0) ms = ++_lastMs; // 4096 ids in one millisecond: borrow the next one.
            }
            else
            {
                _sequence = 0;
            }
            _lastMs = ms;
            return (ms << (NodeBits + SequenceBits)) | (_node << SequenceBits) | _sequence;
        }
    }

    /// <summary>The creation time encoded in an id, to the millisecond.</summary>
    public static DateTimeOffset TimeOf(long id) => Epoch.AddMilliseconds(id >> (NodeBits + SequenceBits));
}
