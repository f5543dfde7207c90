using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transactions.Outbox.Delivery;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Inbox;

/// <summary>
/// Group commit of consumed messages on <typeparamref name="TDbContext"/>: the messages this process has ready take
/// turns on one open transaction, each in a savepoint of its own, and one commit makes all of them durable; each
/// message is acknowledged only after that commit. A message that throws is rolled back to its savepoint and goes the
/// usual retry and <c>_error</c> way without the others. A group commits when no further message is waiting for its
/// turn, or at <see cref="PostgresOutboxOptions.GroupCommitMaxMessages"/>: at low load each message commits alone, as
/// without grouping, and under load one commit (one WAL flush, one round trip) serves many.
/// One lane per process and context: the messages of every grouped endpoint on the context take turns, so two open
/// groups of this process can never wait for each other's row locks.
/// </summary>
sealed class GroupCommitLane<TDbContext>(IServiceScopeFactory scopes, OutboxCommitInterceptor<TDbContext> interceptor,
    IOptions<PostgresOutboxOptions> options, OutboxMetrics metrics, ILogger<GroupCommitLane<TDbContext>> logger)
    where TDbContext : DbContext
{
    readonly SemaphoreSlim _turn = new(1, 1);
    int _waiting;
    Group? _open;

    /// <summary>The open transaction a message's work runs in, and the scope its consumer is resolved from.</summary>
    public sealed class Group(AsyncServiceScope scope, TDbContext db, IDbContextTransaction transaction,
        TimeSpan lockTimeout) : IAsyncDisposable
    {
        public IServiceScope Scope => scope;
        public IServiceProvider Services => scope.ServiceProvider;
        public TDbContext Db => db;
        public IDbContextTransaction Transaction => transaction;
        public int Members { get; set; }
        public int Savepoints { get; set; }

        /// <summary>
        /// The savepoint the running member has yet to open. The member's first statement (its inbox claim) opens it
        /// in the same round trip, through <see cref="TakeSavepoint"/>, instead of a round trip of its own.
        /// </summary>
        internal string? PendingSavepoint { get; set; }

        /// <summary>The running member's savepoint was sent to the server: a failure rolls back to it.</summary>
        internal bool SavepointSent { get; set; }

        /// <summary>
        /// The statements to put before the member's first statement, or null when none are due: its <c>SAVEPOINT</c>,
        /// and the lock timeout of a later member (undone with the savepoint, so set again by each member).
        /// </summary>
        internal string[]? TakeSavepoint()
        {
            if (PendingSavepoint is not { } name)
                return null;
            PendingSavepoint = null;
            SavepointSent = true;
            return [$"SAVEPOINT {name}", $"SET LOCAL lock_timeout = {(int)Math.Ceiling(lockTimeout.TotalMilliseconds)}"];
        }

        /// <summary>A rollback to a savepoint failed: the transaction is unusable and the whole group fails.</summary>
        public bool Broken { get; set; }

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await scope.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in its turn on the open group and returns once the group committed; throws what the
    /// work threw (the other members are unaffected), or the commit's failure (every member then fails and is
    /// redelivered).
    /// </summary>
    public async Task RunAsync(Func<Group, Task> work, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        // Not cancellable: a waiter that left would strand a group its predecessor kept open for it. A cancelled
        // message still takes its turn, fails fast on its token, and lets the group commit.
        await _turn.WaitAsync(CancellationToken.None);
        Interlocked.Decrement(ref _waiting);
        Group group;
        ExceptionDispatchInfo? failure = null;
        try
        {
            group = _open ??= await OpenAsync(cancellationToken);
            failure = await RunMemberAsync(group, work, cancellationToken);
            // A failed member ends the group: its retry comes later, and until then the rows the others changed stay
            // locked; another instance may be waiting for them while holding what the retry will need.
            if (failure is not null || group.Broken || Volatile.Read(ref _waiting) == 0
                || group.Members >= options.Value.GroupCommitMaxMessages)
            {
                _open = null;
                await CommitAsync(group);
            }
        }
        finally
        {
            _turn.Release();
        }
        failure?.Throw();
        await group.Committed.Task;
    }

    async Task<Group> OpenAsync(CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            return new Group(scope, db, transaction, options.Value.GroupCommitLockTimeout);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// One member's work. The first member needs no savepoint: it ends before anyone else joins, and its failure
    /// leaves nothing to keep. A later one rolls back to its savepoint, with the outbox rows it wrote; the savepoint is
    /// opened by the member's first statement (see <see cref="Group.TakeSavepoint"/>), so a member that failed before
    /// that wrote nothing and has nothing to roll back.
    /// </summary>
    async Task<ExceptionDispatchInfo?> RunMemberAsync(Group group, Func<Group, Task> work, CancellationToken cancellationToken)
    {
        var dbTransaction = group.Transaction.GetDbTransaction();
        string? savepoint = null;
        var written = interceptor.WrittenCount(dbTransaction);
        try
        {
            if (group.Members > 0)
            {
                savepoint = $"member_{++group.Savepoints}";
                group.PendingSavepoint = savepoint;
                group.SavepointSent = false;
            }
            await work(group);
            if (group.PendingSavepoint is not null)
            {
                // It may have written with no savepoint to undo it by: only the whole group can be given up.
                group.Broken = true;
                throw new InvalidOperationException("A member of a commit group ran without opening its savepoint.");
            }
            group.Members++;
            // Saved and done with: later members load what they need afresh, and the tracker stays small.
            group.Db.ChangeTracker.Clear();
            return null;
        }
        catch (Exception e)
        {
            if (savepoint is null)
            {
                // The first member failed alone: its transaction is given up whole, as without grouping.
                group.Broken = true;
            }
            else if (group.SavepointSent)
            {
                try
                {
                    await group.Transaction.RollbackToSavepointAsync(savepoint, CancellationToken.None);
                    interceptor.ForgetWrittenAfter(dbTransaction, written);
                }
                catch (Exception rollback)
                {
                    logger.LogWarning("Rolling back a failed message of a commit group failed; the whole group is " +
                        "redelivered: {Error}", rollback.Message);
                    group.Broken = true;
                }
            }
            group.Db.ChangeTracker.Clear();
            return ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            group.PendingSavepoint = null;
        }
    }

    async Task CommitAsync(Group group)
    {
        await using (group)
        {
            try
            {
                if (group.Broken || group.Members == 0)
                    await group.Transaction.RollbackAsync(CancellationToken.None);
                else
                {
                    await group.Transaction.CommitAsync(CancellationToken.None);
                    metrics.GroupCommitted(group.Members);
                }
                if (group.Broken && group.Members > 0)
                    group.Committed.SetException(new InvalidOperationException(
                        "The commit group's transaction failed; its messages are redelivered."));
                else
                    group.Committed.SetResult();
            }
            catch (Exception e)
            {
                group.Committed.SetException(e);
            }
        }
    }
}
