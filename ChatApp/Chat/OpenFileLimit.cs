namespace ChatApp.Chat;

/// <summary>
/// The process's open-file limit. Every socket is a file descriptor; a server that runs out of them cannot even
/// accept a connection to refuse it, so ChatApp keeps its sockets a margin below this limit.
/// </summary>
static class OpenFileLimit
{
    /// <summary>The soft limit, read once from /proc/self/limits; null where that is not readable (not Linux).</summary>
    public static int? Soft { get; } = Read();

    static int? Read()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return int.TryParse(soft, out var limit) ? limit : null; // "unlimited" reads as no limit
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Descriptors kept free for the database, the listener and plain HTTP requests.</summary>
    public const int SocketReserve = 512;

    /// <summary>Descriptors kept free below Kestrel's connection cap, so accepting never fails for want of one.</summary>
    public const int KestrelReserve = 64;
}
