using ChatApp.Messaging;

namespace ChatApp.Tests.Contracts;

public sealed class InProcessRouteRegistryContractTests : RouteRegistryContract
{
    protected override Task<IRouteRegistry> CreateRegistryAsync() => Task.FromResult<IRouteRegistry>(new InProcessRouteRegistry());
}
