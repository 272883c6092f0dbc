using ChatApp.Presence;
using Microsoft.Extensions.Options;

namespace ChatApp.Tests.Contracts;

public sealed class InMemoryPresenceStoreContractTests : PresenceStoreContract
{
    protected override Task<IPresenceStore> CreateStoreAsync(TimeProvider time, PresenceOptions options) =>
        Task.FromResult<IPresenceStore>(new InMemoryPresenceStore(time, Options.Create(options)));
}
