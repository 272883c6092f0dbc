using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatApp.Push;

public static class PushExtensions
{
    public static IHostApplicationBuilder AddPush(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IPushSender, DisabledPushSender>();
        return builder;
    }
}
