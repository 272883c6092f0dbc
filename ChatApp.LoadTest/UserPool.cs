using System.Text.Json;

namespace ChatApp.LoadTest;

/// <summary>
/// Users created once and reused: registration hashes a password on purpose slowly (~100 ms), so the tool keeps
/// the users and their tokens in a file and only logs in again when a token no longer works.
/// </summary>
public sealed class UserPool
{
    public sealed record File(string Server, List<SeededUser> Users);

    readonly string _path;
    List<SeededUser> _users = [];

    public UserPool(string path) => _path = path;

    public IReadOnlyList<SeededUser> Users => _users;

    /// <summary>Makes sure at least <paramref name="count"/> users exist on the server and have working tokens.</summary>
    public async Task EnsureAsync(ChatApi api, int count, Action<string> report, CancellationToken ct)
    {
        if (System.IO.File.Exists(_path))
        {
            var saved = JsonSerializer.Deserialize<File>(await System.IO.File.ReadAllTextAsync(_path, ct));
            if (saved is not null && saved.Server == api.BaseUrl.ToString()) _users = saved.Users;
        }
        // A server started on a fresh database does not know the saved users: check one token before trusting the file.
        if (_users.Count > 0 && !await api.IsValidAsync(_users[0], ct))
        {
            report("saved tokens are not valid on this server: logging in again");
            _users = [];
        }
        if (_users.Count >= count) return;

        var missing = Enumerable.Range(_users.Count, count - _users.Count).ToArray();
        var created = new SeededUser[missing.Length];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, missing.Length), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) =>
            {
                created[i] = await api.RegisterAndLoginAsync($"lt{missing[i]:D6}", token);
                var n = Interlocked.Increment(ref done);
                if (n % 100 == 0) report($"seeded {n}/{missing.Length} users");
            });
        _users.AddRange(created);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        await System.IO.File.WriteAllTextAsync(_path, JsonSerializer.Serialize(new File(api.BaseUrl.ToString(), _users)), ct);
    }
}
