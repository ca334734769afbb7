using System.Data.Common;
using LegalBot.Cases.Storage;
using Microsoft.Data.Sqlite;

namespace LegalBot.Cases.Tests;

/// <summary>The SQLite write queue: writes that arrive while a commit runs share the next one, each caller learns its own
/// outcome only once committed, and one failing write costs its neighbours nothing.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("legalbot-groupcommit-").FullName;
    private readonly string _cs;
    private int _connections;
    // Set when the first batch asks for its connection: it holds its writes, and any made from now on queue behind it.
    private readonly TaskCompletionSource _firstBatchTaken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GroupCommitTests()
    {
        _cs = Sqlite.ConnectionString(Path.Combine(_folder, "q.db"));
        using var c = new SqliteConnection(_cs);
        c.Open();
        using var cmd = Sqlite.Command(c, "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL UNIQUE);");
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearPool(new SqliteConnection(_cs));
        Directory.Delete(_folder, recursive: true);
    }

    private GroupCommit Queue(Task? gate = null) => new(async ct =>
    {
        // The first batch waits at the gate, so the writes made meanwhile queue up behind it.
        if (Interlocked.Increment(ref _connections) == 1 && gate is not null)
        {
            _firstBatchTaken.SetResult();
            await gate;
        }
        return await Sqlite.OpenAsync(_cs, ct);
    });

    private static Task<long> Insert(GroupCommit queue, string value, CancellationToken cancellationToken = default) =>
        queue.RunAsync(async (c, tx) =>
        {
            await using var cmd = Sqlite.Command((SqliteConnection)c, "INSERT INTO t (v) VALUES ($v) RETURNING id", ("$v", value));
            cmd.Transaction = (SqliteTransaction?)tx;
            return (long)(await cmd.ExecuteScalarAsync())!;
        }, cancellationToken);

    private List<string> Values()
    {
        using var c = new SqliteConnection(_cs);
        c.Open();
        using var cmd = Sqlite.Command(c, "SELECT v FROM t ORDER BY id");
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    [Fact]
    public async Task Writes_made_during_a_commit_share_the_next_and_keep_their_order()
    {
        var gate = new TaskCompletionSource();
        var queue = Queue(gate.Task);
        var first = Insert(queue, "a");
        await _firstBatchTaken.Task;
        var rest = Enumerable.Range(0, 10).Select(i => Insert(queue, "b" + i)).ToList();
        Assert.False(first.IsCompleted);
        gate.SetResult();

        var ids = await Task.WhenAll([first, .. rest]);
        Assert.Equal(2, _connections);
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(["a", .. Enumerable.Range(0, 10).Select(i => "b" + i)], Values());
    }

    [Fact]
    public async Task A_failing_write_fails_alone()
    {
        var gate = new TaskCompletionSource();
        var queue = Queue(gate.Task);
        var first = Insert(queue, "a");
        await _firstBatchTaken.Task;
        var before = Insert(queue, "b");
        var duplicate = Insert(queue, "a");
        var after = Insert(queue, "c");
        gate.SetResult();

        await first;
        await before;
        await after;
        await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.Equal(["a", "b", "c"], Values());
    }

    [Fact]
    public async Task A_write_cancelled_while_waiting_is_not_made()
    {
        var gate = new TaskCompletionSource();
        var queue = Queue(gate.Task);
        using var cancel = new CancellationTokenSource();
        var first = Insert(queue, "a");
        await _firstBatchTaken.Task;
        var cancelled = Insert(queue, "x", cancel.Token);
        var kept = Insert(queue, "b");
        await cancel.CancelAsync();
        gate.SetResult();

        await first;
        await kept;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(["a", "b"], Values());
    }

    [Fact]
    public async Task No_connection_fails_every_waiting_write()
    {
        var queue = new GroupCommit(_ => Task.FromException<DbConnection>(new TimeoutException("no database")));
        var writes = Enumerable.Range(0, 3).Select(i => Insert(queue, "v" + i)).ToList();
        foreach (var w in writes) await Assert.ThrowsAsync<TimeoutException>(() => w);
        Assert.Empty(Values());
    }
}

/// <summary>Per-connection pragmas run once per physical connection, and a pooled connection still has them when reopened.</summary>
public sealed class SqlitePragmaTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("legalbot-pragma-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<long> SynchronousAsync(SqliteConnection c) => (long)(await Sqlite.ScalarAsync(Sqlite.Command(c, "PRAGMA synchronous;"), default))!;

    [Fact]
    public async Task A_reopened_pooled_connection_keeps_synchronous_normal()
    {
        var cs = Sqlite.ConnectionString(Path.Combine(_folder, "p.db"));
        try
        {
            await using (var c = await Sqlite.OpenAsync(cs, default)) Assert.Equal(1, await SynchronousAsync(c));
            await using (var again = await Sqlite.OpenAsync(cs, default)) Assert.Equal(1, await SynchronousAsync(again));
            // A connection of its own (no pool) starts at SQLite's default, FULL (2), and gets NORMAL when opened through the helper.
            var unpooled = new SqliteConnectionStringBuilder(cs) { Pooling = false }.ToString();
            await using (var raw = new SqliteConnection(unpooled))
            {
                await raw.OpenAsync();
                Assert.Equal(2, await SynchronousAsync(raw));
            }
            await using (var fresh = await Sqlite.OpenAsync(unpooled, default)) Assert.Equal(1, await SynchronousAsync(fresh));
        }
        finally
        {
            SqliteConnection.ClearPool(new SqliteConnection(cs));
        }
    }
}
