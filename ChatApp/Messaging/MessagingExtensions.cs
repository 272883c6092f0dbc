using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatApp.Messaging;

public static class MessagingExtensions
{
    /// <summary>In-process defaults; a scale-out adapter replaces them (services.Replace) after this call.</summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IMessageBus, InProcessMessageBus>();
        builder.Services.TryAddSingleton<IRouteRegistry, InProcessRouteRegistry>();
        return builder;
    }
}
