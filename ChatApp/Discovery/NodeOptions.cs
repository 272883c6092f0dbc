using System.ComponentModel.DataAnnotations;

namespace ChatApp.Discovery;

/// <summary>Identity of this process among the chat servers (section <c>Node</c>).</summary>
public sealed class NodeOptions
{
    /// <summary>0-1023, unique per node: it is part of every id this node creates.</summary>
    [Range(0, 1023)]
    public int Id { get; set; }

    /// <summary>The WebSocket URL clients use to reach this node (<c>wss://chat.example.com/ws</c>). When empty it is derived from each discovery request.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Honour <c>X-Forwarded-Proto</c>/<c>X-Forwarded-Host</c>: turn on only behind a proxy that sets them.</summary>
    public bool TrustForwardedHeaders { get; set; }
}
