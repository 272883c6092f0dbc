using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatApp.Discovery;

public sealed record DiscoveredServer(string Url, int Load);
public sealed record DiscoveryResponse(DiscoveredServer[] Servers);

static class DiscoveryApi
{
    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/discovery", Discover).WithTags("Discovery").RequireAuthorization();
        return app;
    }

    static async Task<DiscoveryResponse> Discover(HttpRequest request, IServerRegistry registry, CancellationToken ct)
    {
        var alive = await registry.GetAliveAsync(ct);
        // A node without Node:PublicUrl is reached the way this request reached us (after X-Forwarded-* when trusted).
        var fallback = $"{(request.IsHttps ? "wss" : "ws")}://{request.Host}{request.PathBase}/ws";
        return new DiscoveryResponse([.. alive.Select(s => new DiscoveredServer(s.Url ?? fallback, s.Load))]);
    }
}

public static class DiscoveryExtensions
{
    public static IHostApplicationBuilder AddDiscovery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NodeOptions>().BindConfiguration("Node")
            // An empty setting (appsettings.json has "PublicUrl": "") means "derive it from each request", like none.
            .PostConfigure(o => o.PublicUrl = string.IsNullOrWhiteSpace(o.PublicUrl) ? null : o.PublicUrl)
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.PublicUrl) || (Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var u) && u.Scheme is "ws" or "wss"),
                "Node:PublicUrl must be an absolute ws:// or wss:// URL.")
            .ValidateOnStart();
        builder.Services.AddOptions<DiscoveryOptions>().BindConfiguration("Discovery")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.ServerTtl > o.HeartbeatInterval,
                "Discovery:ServerTtl must be longer than Discovery:HeartbeatInterval.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ServerIdentity>();
        builder.Services.TryAddSingleton<IServerRegistry, InProcessServerRegistry>();
        builder.Services.AddHostedService<ServerHeartbeat>();
        return builder;
    }
}
