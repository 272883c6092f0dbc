namespace ChatApp.Tests.Support;

static class Disposal
{
    /// <summary>Disposes what a contract's factory made, whichever dispose pattern it follows.</summary>
    public static async Task DisposeAllAsync(IEnumerable<object> instances)
    {
        foreach (var instance in instances)
        {
            if (instance is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (instance is IDisposable disposable) disposable.Dispose();
        }
    }
}
