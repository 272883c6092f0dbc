using ChatApp.Discovery;
using Microsoft.Extensions.Options;

namespace ChatApp.Tests.Contracts;

public sealed class InProcessServerRegistryContractTests : ServerRegistryContract
{
    protected override Task<IServerRegistry> CreateRegistryAsync(TimeProvider time, DiscoveryOptions options) =>
        Task.FromResult<IServerRegistry>(new InProcessServerRegistry(time, Options.Create(options)));
}
