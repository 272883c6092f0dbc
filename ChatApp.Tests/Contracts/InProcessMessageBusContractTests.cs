using ChatApp.Messaging;

namespace ChatApp.Tests.Contracts;

public sealed class InProcessMessageBusContractTests : MessageBusContract
{
    protected override Task<IMessageBus> CreateBusAsync(ILocalEventSink sink) => Task.FromResult<IMessageBus>(new InProcessMessageBus(sink));
}
