namespace ChatApp.Chat;

/// <summary>Section <c>Chat</c>.</summary>
public sealed class ChatOptions
{
    /// <summary>Longest message body, in UTF-16 code units (.NET string length).</summary>
    public const int MaxBodyLength = 100_000;
    public const int MaxClientMsgIdLength = 64;

    /// <summary>A frame larger than this closes the socket with 1009. A legal body can be ~600 KB once JSON-escaped.</summary>
    public int MaxFrameBytes { get; set; } = 1024 * 1024;

    /// <summary>Sustained frames per second a connection may send (token bucket refill rate).</summary>
    public double FramesPerSecond { get; set; } = 100;

    /// <summary>Frames a connection may send in a burst (token bucket size).</summary>
    public int FrameBurst { get; set; } = 1000;

    /// <summary>Live frames waiting for one connection; past this the connection is too slow and is dropped (it catches up with sync).</summary>
    public int OutgoingQueueLimit { get; set; } = 4096;

    /// <summary>Sends waiting for the batching writer; past this, senders wait (backpressure).</summary>
    public int WriteQueueCapacity { get; set; } = 16384;

    /// <summary>Most messages stored in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>
    /// Most open sockets on this node; past it, upgrades get 503 and the client asks discovery for another node.
    /// 0 (the default) means the open-file limit less <see cref="OpenFileLimit.SocketReserve"/>.
    /// </summary>
    public int MaxConnections { get; set; }

    /// <summary>How long a closing connection may take to flush its queue and finish the close handshake.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
