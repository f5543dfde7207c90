using Transactions.Contracts.BankTransfers;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.Sagas;

namespace Transactions.UnitTests.BankTransfers;

public sealed class BankTransferStateMachineTests
{
    [Fact]
    public async Task Both_trys_succeeding_confirm_both_branches_and_complete_the_transfer()
    {
        await using var t = await TransferHarness.StartAsync();
        var id = Guid.NewGuid();
        var saga = await t.StartTransferAsync(id);
        await t.PublishedAsync<TryDebit>(m => m.TransferId == id && m.AccountId == "alice" && m.Amount == 25.50m);
        await t.PublishedAsync<TryCredit>(m => m.TransferId == id && m.AccountId == "bob");
        Assert.NotEqual(saga.DebitBranchId, saga.CreditBranchId);
        Assert.Equal(7, saga.DebitBranchId.Version);

        await t.DeliverAsync(new DebitTried(id, saga.DebitBranchId));
        Assert.Equal("Trying", t.Instance(id).CurrentState);
        await t.DeliverAsync(new CreditTried(id, saga.CreditBranchId));
        Assert.NotNull(await t.Saga.Exists(id, m => m.Confirming));
        await t.PublishedAsync<ConfirmDebit>(m => m.BranchId == saga.DebitBranchId);
        await t.PublishedAsync<ConfirmCredit>(m => m.BranchId == saga.CreditBranchId);

        await t.DeliverAsync(new DebitConfirmed(id, saga.DebitBranchId));
        await t.DeliverAsync(new CreditConfirmed(id, saga.CreditBranchId));
        Assert.NotNull(await t.Saga.Exists(id, m => m.Completed));
        await t.PublishedAsync<BankTransferCompleted>(m => m.TransferId == id);

        var done = t.Instance(id);
        Assert.Null(done.DeadlineAt);
        Assert.Equal(["Initial->Trying", "Trying->Confirming", "Confirming->Completed"],
            done.History.Select(h => $"{h.From}->{h.To}"));
        Assert.All(done.Steps, s => Assert.Equal(SagaStepStatus.Succeeded, s.Status));
    }

    [Fact]
    public async Task A_refused_debit_cancels_both_branches_and_ends_cancelled_with_the_reason()
    {
        await using var t = await TransferHarness.StartAsync();
        var id = Guid.NewGuid();
        var saga = await t.StartTransferAsync(id);

        await t.DeliverAsync(new CreditTried(id, saga.CreditBranchId));
        await t.DeliverAsync(new DebitRefused(id, saga.DebitBranchId, "Insufficient funds on account alice."));
        Assert.NotNull(await t.Saga.Exists(id, m => m.Cancelling));
        await t.PublishedAsync<CancelDebit>(m => m.BranchId == saga.DebitBranchId);
        await t.PublishedAsync<CancelCredit>(m => m.BranchId == saga.CreditBranchId);

        await t.DeliverAsync(new CreditCancelled(id, saga.CreditBranchId));
        await t.DeliverAsync(new DebitCancelled(id, saga.DebitBranchId));
        Assert.NotNull(await t.Saga.Exists(id, m => m.Cancelled));
        await t.PublishedAsync<BankTransferCancelled>(m => m.TransferId == id && m.Reason.Contains("Insufficient funds"));
        Assert.Contains("Insufficient funds", t.Instance(id).Outcome);
        Assert.Equal(0, t.PublishedCount<ConfirmDebit>(m => m.TransferId == id));
    }

    [Fact]
    public async Task The_try_deadline_cancels_the_transfer_and_an_outdated_deadline_is_ignored()
    {
        await using var t = await TransferHarness.StartAsync();
        var id = Guid.NewGuid();
        var saga = await t.StartTransferAsync(id);
        var deadline = saga.DeadlineAt!.Value;
        Assert.Equal(t.Time.GetUtcNow().AddSeconds(30), deadline);

        await t.DeliverAsync(new DeadlineExpired(id, deadline.AddSeconds(-5)));
        Assert.Equal("Trying", t.Instance(id).CurrentState);

        t.Time.Advance(TimeSpan.FromSeconds(31));
        await t.DeliverAsync(new DeadlineExpired(id, deadline));
        Assert.NotNull(await t.Saga.Exists(id, m => m.Cancelling));
        Assert.Contains("deadline", t.Instance(id).Outcome);
        await t.PublishedAsync<CancelDebit>(m => m.BranchId == saga.DebitBranchId);
        await t.PublishedAsync<CancelCredit>(m => m.BranchId == saga.CreditBranchId);

        // The Try answer that arrives after the deadline changes nothing: the transfer still cancels.
        await t.DeliverAsync(new DebitTried(id, saga.DebitBranchId));
        Assert.Equal("Cancelling", t.Instance(id).CurrentState);
    }

    [Fact]
    public async Task Unanswered_confirms_are_resent_with_growing_backoff_until_answered()
    {
        await using var t = await TransferHarness.StartAsync();
        var id = Guid.NewGuid();
        var saga = await t.StartTransferAsync(id);
        await t.DeliverAsync(new DebitTried(id, saga.DebitBranchId));
        await t.DeliverAsync(new CreditTried(id, saga.CreditBranchId));
        Assert.NotNull(await t.Saga.Exists(id, m => m.Confirming));
        await t.DeliverAsync(new DebitConfirmed(id, saga.DebitBranchId));

        var waits = new List<TimeSpan>();
        for (var resend = 0; resend < 4; resend++)
        {
            var deadline = t.Instance(id).DeadlineAt!.Value;
            waits.Add(deadline - t.Time.GetUtcNow());
            t.Time.Advance(deadline - t.Time.GetUtcNow());
            await t.DeliverAsync(new DeadlineExpired(id, deadline));
        }

        Assert.Equal([2, 4, 8, 10], waits.Select(w => w.TotalSeconds));
        Assert.Equal(5, t.PublishedCount<ConfirmCredit>(m => m.TransferId == id));
        Assert.Equal(1, t.PublishedCount<ConfirmDebit>(m => m.TransferId == id));
        Assert.Equal(5, t.Instance(id).Step("credit", "confirm").Attempts);

        await t.DeliverAsync(new CreditConfirmed(id, saga.CreditBranchId));
        Assert.NotNull(await t.Saga.Exists(id, m => m.Completed));
    }

    [Fact]
    public async Task A_repeated_start_is_ignored_and_moves_no_money_twice()
    {
        await using var t = await TransferHarness.StartAsync();
        var id = Guid.NewGuid();
        var saga = await t.StartTransferAsync(id);

        await t.DeliverAsync(new StartBankTransfer(id, "alice", "bob", 25.50m, "EUR"));

        Assert.Equal(1, t.PublishedCount<TryDebit>(m => m.TransferId == id));
        Assert.Equal(saga.DebitBranchId, t.Instance(id).DebitBranchId);
        Assert.Single(t.Instance(id).History);
    }

    [Fact]
    public async Task An_invalid_start_from_the_bus_ends_cancelled_without_trying()
    {
        await using var t = await TransferHarness.StartAsync();
        var id = Guid.NewGuid();

        await t.Harness.Bus.Publish(new StartBankTransfer(id, "alice", "alice", -1m, "euro"));

        Assert.NotNull(await t.Saga.Exists(id, m => m.Cancelled));
        var outcome = t.Instance(id).Outcome!;
        Assert.Contains("toAccount", outcome);
        Assert.Contains("amount", outcome);
        Assert.Contains("currency", outcome);
        Assert.Equal(0, t.PublishedCount<TryDebit>(m => m.TransferId == id));
    }

    [Fact]
    public async Task A_refused_confirm_stops_the_transfer_in_needs_attention_and_never_completes_it()
    {
        await using var t = await TransferHarness.StartAsync();
        var id = Guid.NewGuid();
        var saga = await t.StartTransferAsync(id);
        await t.DeliverAsync(new DebitTried(id, saga.DebitBranchId));
        await t.DeliverAsync(new CreditTried(id, saga.CreditBranchId));
        await t.DeliverAsync(new CreditConfirmed(id, saga.CreditBranchId));

        await t.DeliverAsync(new DebitConfirmRefused(id, saga.DebitBranchId, "The branch was cancelled before this confirm arrived."));
        Assert.NotNull(await t.Saga.Exists(id, m => m.NeedsAttention));
        await t.PublishedAsync<BankTransferNeedsAttention>(m => m.TransferId == id && m.Reason.Contains("cancelled before"));
        var stopped = t.Instance(id);
        Assert.Null(stopped.DeadlineAt);
        Assert.Contains("confirm of the debit", stopped.Outcome);
        Assert.Equal(SagaStepStatus.Failed, stopped.Step("debit", "confirm").Status);

        // A late Confirmed of the same branch (a replay) does not turn it into a success.
        await t.DeliverAsync(new DebitConfirmed(id, saga.DebitBranchId));
        Assert.Equal("NeedsAttention", t.Instance(id).CurrentState);
        Assert.Equal(0, t.PublishedCount<BankTransferCompleted>(m => m.TransferId == id));
        Assert.Equal(["resolve"], t.AllowedActions(id));
    }

    [Fact]
    public async Task A_refused_cancel_stops_the_transfer_in_needs_attention_and_never_cancels_it()
    {
        await using var t = await TransferHarness.StartAsync();
        var id = Guid.NewGuid();
        var saga = await t.StartTransferAsync(id);
        await t.DeliverAsync(new DebitRefused(id, saga.DebitBranchId, "Insufficient funds on account alice."));
        await t.DeliverAsync(new DebitCancelled(id, saga.DebitBranchId));

        await t.DeliverAsync(new CreditCancelRefused(id, saga.CreditBranchId, "The branch was confirmed before this cancel arrived."));
        Assert.NotNull(await t.Saga.Exists(id, m => m.NeedsAttention));
        Assert.Contains("cancel of the credit", t.Instance(id).Outcome);
        Assert.Equal(0, t.PublishedCount<BankTransferCancelled>(m => m.TransferId == id));
    }
}
