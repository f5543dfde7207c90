using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Inbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// One commit group's members driven directly on the lane, so that a group's make-up is certain: what one member
/// does wrong stays with it.
/// </summary>
public sealed class GroupCommitMemberTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A message cancelled while it waited for its turn (its endpoint stopping) fails on its token before its first
    /// statement reaches the server, so its savepoint was never opened: the member before it still commits.
    /// </summary>
    [Fact]
    public async Task A_member_cancelled_before_its_first_statement_fails_alone_and_the_group_commits()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "group_cancelled");
        using var host = await OutboxTestHost.StartAsync(services, connectionString, _ => { }, groupCommit: true);
        var lane = host.Services.GetRequiredService<GroupCommitLane<LedgerDbContext>>();
        var (kept, cancelledMessage) = (Guid.NewGuid(), Guid.NewGuid());
        var firstInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = lane.RunAsync(async group =>
        {
            await ClaimAsync(group, kept, CancellationToken.None);
            group.Db.Entries.Add(new LedgerEntry { Reference = kept, Amount = 1 });
            await group.Db.SaveChangesAsync();
            firstInside.SetResult();
            // Holds the turn until the second member waits for it, so that the group stays open for that member.
            await secondWaiting.Task.WaitAsync(Timeout);
        }, CancellationToken.None);
        await firstInside.Task.WaitAsync(Timeout);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var second = lane.RunAsync(async group =>
        {
            // As the consume filter: the claim, then the consumer's changes saved on the message's token.
            await ClaimAsync(group, cancelledMessage, cancelled.Token);
            group.Db.Entries.Add(new LedgerEntry { Reference = cancelledMessage, Amount = 2 });
            await group.Db.SaveChangesAsync(cancelled.Token);
        }, cancelled.Token);
        secondWaiting.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(Timeout));
        await first.WaitAsync(Timeout);
        await using var db = OutboxTestHost.Open(connectionString);
        Assert.Single(await db.Entries.AsNoTracking().Where(e => e.Reference == kept).ToListAsync());
        Assert.False(await db.Entries.AnyAsync(e => e.Reference == cancelledMessage));
        // Its claim went with its savepoint: the redelivered message runs again.
        Assert.Equal(0, await db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM inbox_state WHERE message_id = {cancelledMessage}").SingleAsync());
        await host.StopAsync();
    }

    /// <summary>A member's first statement, as the consume filter runs it: the inbox claim, opening its savepoint.</summary>
    static Task<bool> ClaimAsync(GroupCommitLane<LedgerDbContext>.Group group, Guid messageId,
        CancellationToken cancellationToken) =>
        InboxRecord.TryClaimAsync(group.Db, messageId, "group-member-test", DateTime.UtcNow, group.TakeSavepoint(),
            cancellationToken);
}
