using Microsoft.EntityFrameworkCore;
using Transactions.Outbox.Barrier;

namespace Transactions.UnitTests.Barrier;

/// <summary>What the barrier refuses before it touches the database (its SQL is tested on PostgreSQL).</summary>
public sealed class TccBarrierArgumentTests
{
    sealed class AnyContext() : DbContext(new DbContextOptionsBuilder<AnyContext>()
        .UseNpgsql("Host=127.0.0.1;Database=never_opened").Options);

    [Fact]
    public async Task A_branch_id_that_is_not_a_version_7_uuid_is_rejected()
    {
        await using var db = new AnyContext();
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            TccBarrier.RunAsync(db, Guid.NewGuid(), Guid.NewGuid(), TccPhase.Try, _ => Task.CompletedTask));
        Assert.Equal("branchId", e.ParamName);
    }

    [Fact]
    public async Task Running_outside_a_transaction_is_refused_and_the_work_does_not_run()
    {
        await using var db = new AnyContext();
        var ran = false;
        await Assert.ThrowsAsync<InvalidOperationException>(() => TccBarrier.RunAsync(db, Guid.NewGuid(),
            TccBarrier.NewBranchId(DateTimeOffset.UtcNow), TccPhase.Cancel, _ => { ran = true; return Task.CompletedTask; }));
        Assert.False(ran);
    }

    [Fact]
    public void A_new_branch_id_carries_its_creation_time()
    {
        var at = new DateTimeOffset(2026, 3, 1, 8, 30, 0, TimeSpan.Zero);
        var id = TccBarrier.NewBranchId(at);
        Assert.Equal(7, id.Version);
        Assert.NotEqual(id, TccBarrier.NewBranchId(at));
    }
}
