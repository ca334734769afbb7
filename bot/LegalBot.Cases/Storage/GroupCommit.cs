using System.Collections.Concurrent;
using System.Data.Common;

namespace LegalBot.Cases.Storage;

/// <summary>
/// The in-process write queue of one SQLite database, with group commit. SQLite allows one writer, so this process's
/// writes run one at a time (colliding writers would get SQLITE_BUSY and sleep-retry); while one batch commits, the
/// writes that arrive meanwhile gather and go together in the next transaction: one connection, one commit for
/// many turns. Nothing is acknowledged early: each caller's task completes only when its own write has committed
/// (WAL, <c>synchronous = NORMAL</c>: it then survives a killed process), exactly as a write of its own would.
/// A write that fails does not fail its neighbours: the batch is rolled back and each of its writes run alone.
/// </summary>
public sealed class GroupCommit
{
    /// <summary>Enough to drain a busy second's arrivals in a few commits; a larger batch holds the write lock longer.</summary>
    public const int DefaultMaxBatch = 64;

    private readonly Func<CancellationToken, Task<DbConnection>> _connect;
    private readonly int _maxBatch;
    private readonly ConcurrentQueue<Write> _pending = new();
    private int _draining;

    /// <param name="connect">Opens a connection ready to write (WAL, <c>synchronous = NORMAL</c>).</param>
    public GroupCommit(Func<CancellationToken, Task<DbConnection>> connect, int maxBatch = DefaultMaxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _connect = connect;
        _maxBatch = maxBatch;
    }

    /// <summary>Runs <paramref name="write"/> in this database's next transaction and returns its result once committed.
    /// The command it makes must take the transaction it is given (null when the write runs alone).</summary>
    /// <remarks>A write already gathered into a batch runs to its commit even if <paramref name="cancellationToken"/> fires
    /// (statements take microseconds); one still waiting is dropped.</remarks>
    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new Write<T>(write, cancellationToken);
        _pending.Enqueue(item);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0) _ = Task.Run(DrainAsync, CancellationToken.None);
        return item.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            while (Take() is { Count: > 0 } batch) await CommitAsync(batch).ConfigureAwait(false);
            Volatile.Write(ref _draining, 0);
            // A write enqueued after the last Take but before the flag dropped found it set: take it on here.
            if (_pending.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
        }
    }

    private List<Write> Take()
    {
        var batch = new List<Write>();
        while (batch.Count < _maxBatch && _pending.TryDequeue(out var item))
        {
            if (item.Cancelled) item.Cancel();
            else batch.Add(item);
        }
        return batch;
    }

    private async Task CommitAsync(List<Write> batch)
    {
        DbConnection? c = null;
        try
        {
            c = await _connect(CancellationToken.None).ConfigureAwait(false);
            if (batch.Count == 1 || !await TryTogetherAsync(c, batch).ConfigureAwait(false))
            {
                foreach (var item in batch)
                {
                    try
                    {
                        await item.RunAsync(c, null).ConfigureAwait(false);
                        item.Complete();
                    }
                    catch (Exception ex)
                    {
                        item.Fail(ex);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // No connection: every write of the batch fails as its own write would have.
            foreach (var item in batch) item.Fail(ex);
        }
        finally
        {
            if (c is not null) await c.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>All of the batch in one transaction; false (rolled back) if any of it failed, to be run one by one.</summary>
    private static async Task<bool> TryTogetherAsync(DbConnection c, List<Write> batch)
    {
        await using var tx = await c.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var item in batch) await item.RunAsync(c, tx).ConfigureAwait(false);
            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            try { await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false); }
            catch (DbException) { /* the connection is gone: running them alone reports why */ }
            return false;
        }
        foreach (var item in batch) item.Complete();
        return true;
    }

    private abstract class Write
    {
        public abstract bool Cancelled { get; }
        public abstract Task RunAsync(DbConnection c, DbTransaction? tx);
        public abstract void Complete();
        public abstract void Fail(Exception ex);
        public abstract void Cancel();
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction?, Task<T>> write, CancellationToken cancellationToken) : Write
    {
        // Continuations run off the drain loop, so a caller's work never holds up the next commit.
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;
        public override bool Cancelled => cancellationToken.IsCancellationRequested;
        public override async Task RunAsync(DbConnection c, DbTransaction? tx) => _result = await write(c, tx).ConfigureAwait(false);
        public override void Complete() => _done.TrySetResult(_result!);
        public override void Fail(Exception ex) => _done.TrySetException(ex);
        public override void Cancel() => _done.TrySetCanceled(cancellationToken);
    }
}
