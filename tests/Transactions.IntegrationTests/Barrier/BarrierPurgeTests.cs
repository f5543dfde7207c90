using Npgsql;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Branches;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>
/// The barrier's clean-up moves its horizon and commits before it deletes anything, then deletes in batches that each
/// commit alone, so branch calls racing it are answered at once and correctly: a branch behind the horizon is refused
/// or expired whether its rows are gone yet or not, a new branch runs as usual.
/// </summary>
public sealed class BarrierPurgeTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const int BatchSize = 5;
    const int Filler = 22;
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_purge_commits_batch_by_batch_and_branch_calls_racing_it_are_answered_correctly()
    {
        var connectionString = await services.CreateDatabaseAsync("purgebatch");
        await using var bank = await BankDatabase.CreateAsync(connectionString);
        await bank.OpenAccountAsync("old", 100m);
        await bank.OpenAccountAsync("new", 100m);
        var now = DateTimeOffset.UtcNow;
        var horizon = now.AddDays(-7);

        // Behind the horizon, in issue order: a tried branch in the first batch, filler rows, a tried branch in the
        // last batch, and the last batch's final row, which a transaction of the test holds locked below.
        var (early, late) = (Branch(now.AddDays(-9.5)), Branch(now.AddDays(-7.6)));
        await TryAsync(bank, early, "old");
        await SeedAsync(connectionString, Filler, now.AddDays(-9));
        await TryAsync(bank, late, "old");
        var blocked = Branch(now.AddDays(-7.5));
        await SeedAsync(connectionString, 1, blocked.IssuedAt, blocked.TransferId, blocked.BranchId);
        const int behindHorizon = Filler + 3;

        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using var blockerTransaction = await blocker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand(
            "SELECT 1 FROM tcc_barrier WHERE branch_id = @branch FOR UPDATE", blocker, blockerTransaction))
        {
            lockRow.Parameters.AddWithValue("branch", blocked.BranchId);
            Assert.Equal(1, await lockRow.ExecuteScalarAsync());
        }

        var purge = bank.WithDbAsync(db => TccBarrier.PurgeAsync(db, horizon, BatchSize));

        // Every batch before the blocked one has committed: only the blocked batch's rows are still visible.
        await Eventually.Until(() => CountBehindAsync(connectionString, horizon), rows => rows == BatchSize, Patience,
            "the batches before the blocked one are committed");
        Assert.False(purge.IsCompleted, "the purge waits for the locked row of its last batch");

        // While the purge waits, branch calls are answered without waiting for it.
        var newBranch = Branch(now);
        var newTry = await Answer(bank, b => b.TryAsync(newBranch.TransferId, newBranch.BranchId, HoldSide.Debit, "new", 10m, "EUR", default));
        Assert.True(newTry.Tried, newTry.ToString());
        foreach (var expired in new[] { early, late })
        {
            var confirm = await Answer(bank, b => b.ConfirmAsync(expired.TransferId, expired.BranchId, default));
            Assert.False(confirm.Settled);
            Assert.Contains("older than the barrier's retention", confirm.Reason);
        }
        var hanging = Branch(now.AddDays(-7.7));
        var hangingTry = await Answer(bank, b => b.TryAsync(hanging.TransferId, hanging.BranchId, HoldSide.Debit, "old", 10m, "EUR", default));
        Assert.False(hangingTry.Tried, hangingTry.ToString());
        Assert.False(purge.IsCompleted, "the calls above were answered while the purge was still running");

        await blockerTransaction.RollbackAsync();
        Assert.Equal(behindHorizon, await purge.WaitAsync(Patience));
        Assert.Equal(0, await CountBehindAsync(connectionString, horizon));
        // The two old Trys froze their amounts and the refused calls changed nothing; the new branch is recorded.
        var (old, fresh) = (await bank.AccountAsync("old"), await bank.AccountAsync("new"));
        Assert.Equal((80m, 20m), (old.Available, old.Frozen));
        Assert.Equal((90m, 10m), (fresh.Available, fresh.Frozen));
        var records = await bank.WithDbAsync(db => TccBarrier.RecordsAsync(db, [newBranch.TransferId]));
        Assert.Equal("try", Assert.Single(records).Phase);
    }

    sealed record BranchOf(Guid TransferId, Guid BranchId, DateTimeOffset IssuedAt);

    static BranchOf Branch(DateTimeOffset issuedAt) => new(Guid.NewGuid(), TccBarrier.NewBranchId(issuedAt), issuedAt);

    static async Task TryAsync(BankDatabase bank, BranchOf branch,
        string account)
    {
        var answer = await Answer(bank, b => b.TryAsync(branch.TransferId, branch.BranchId, HoldSide.Debit, account, 10m, "EUR", default));
        Assert.True(answer.Tried, answer.ToString());
    }

    /// <summary>One branch call, which must be answered within the patience whatever else is running.</summary>
    static async Task<T> Answer<T>(BankDatabase bank, Func<BankBranches, Task<T>> call)
    {
        T answer = default!;
        await bank.WithBranchesAsync(async b => answer = await call(b)).WaitAsync(Patience);
        return answer;
    }

    /// <summary>Barrier rows of other branches, one a minute from <paramref name="from"/> on.</summary>
    static async Task SeedAsync(string connectionString, int rows, DateTimeOffset from, Guid? transferId = null,
        Guid? branchId = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO tcc_barrier (transaction_id, branch_id, phase, origin, issued_at, recorded_at)
            SELECT coalesce(@transfer, gen_random_uuid()), coalesce(@branch, gen_random_uuid()), 'try', 'try',
                   @from + i * interval '1 minute', now()
            FROM generate_series(0, @rows - 1) AS i
            """, connection);
        command.Parameters.AddWithValue("transfer", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)transferId ?? DBNull.Value);
        command.Parameters.AddWithValue("branch", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)branchId ?? DBNull.Value);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("rows", rows);
        Assert.Equal(rows, await command.ExecuteNonQueryAsync());
    }

    static async Task<long> CountBehindAsync(string connectionString, DateTimeOffset horizon)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM tcc_barrier WHERE issued_at < @horizon", connection);
        command.Parameters.AddWithValue("horizon", horizon);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
