namespace ChatApp.Tests.Support;

/// <summary>A test class whose every test gets its own app (and database file) and a client for it.</summary>
public abstract class AppTest : IAsyncLifetime
{
    protected ChatAppFactory App { get; } = new();
    protected TestClient Client { get; private set; } = null!;

    public virtual Task InitializeAsync()
    {
        Client = App.NewClient();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>An <see cref="AppTest"/> that starts with Alice and Bob signed up and their direct conversation.</summary>
public abstract class ConversationTest : AppTest
{
    protected Account Alice { get; private set; } = null!;
    protected Account Bob { get; private set; } = null!;
    protected string Conversation { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Alice = await Client.SignUpAsync();
        Bob = await Client.SignUpAsync();
        Conversation = await Client.DirectAsync(Alice, Bob);
    }
}

/// <summary>
/// A test class that restarts the app on the same database: <see cref="App"/> starts on <see cref="Directory"/>,
/// a test may replace it with a new app on that directory, and the directory is deleted at the end.
/// </summary>
public abstract class RestartableAppTest : IAsyncLifetime
{
    // Not owned by any one factory: a restart runs a second app on it.
    protected string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("chatapp-test-").FullName;
    protected ChatAppFactory App { get; set; } = null!;

    public Task InitializeAsync()
    {
        App = new ChatAppFactory(Directory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await App.DisposeAsync();
        }
        finally
        {
            App.DeleteData();
        }
    }
}
