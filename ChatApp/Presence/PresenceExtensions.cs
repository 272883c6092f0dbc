using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatApp.Presence;

public static class PresenceExtensions
{
    public static IHostApplicationBuilder AddPresence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PresenceOptions>().BindConfiguration("Presence")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.Timeout > o.HeartbeatInterval,
                "Presence:Timeout must be longer than Presence:HeartbeatInterval.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IPresenceStore, InMemoryPresenceStore>();
        return builder;
    }
}
