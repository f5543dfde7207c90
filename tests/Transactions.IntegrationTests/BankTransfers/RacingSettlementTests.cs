using Transactions.Contracts.BankTransfers;
using Transactions.IntegrationTests.Barrier;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.Reconciliation;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank;
using Transactions.Participants.Sample.Bank.Branches;

namespace Transactions.IntegrationTests.BankTransfers;

/// <summary>
/// The bank from outside, through RabbitMQ: held branches each sent a Confirm and a Cancel at once, as a replay of an
/// <c>_error</c> queue next to the coordinator's own command would. Each branch settles once, one way; the other
/// command is answered with a refusal, and no money is created or lost.
/// </summary>
public sealed class RacingSettlementTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const int BranchesPerSide = 20;
    const decimal OpeningBalance = 1_000m;
    const decimal Amount = 10m;
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_confirm_and_a_cancel_sent_together_settle_each_held_branch_once_and_the_other_is_refused()
    {
        await using var system = await BankTransferSystem.StartAsync(services);
        await using var replies = await ReplyRecorder.StartAsync(services, "bank-replies",
            typeof(DebitTried), typeof(CreditTried), typeof(DebitConfirmed), typeof(CreditConfirmed),
            typeof(DebitCancelled), typeof(CreditCancelled), typeof(DebitConfirmRefused), typeof(CreditConfirmRefused),
            typeof(DebitCancelRefused), typeof(CreditCancelRefused));
        // An account per branch: the ledger and balance of each branch can be checked on their own.
        var branches = Enumerable.Range(0, 2 * BranchesPerSide).Select(i => new Branch(
            i < BranchesPerSide ? HoldSide.Debit : HoldSide.Credit, $"acc-{i}", Guid.NewGuid(),
            TccBarrier.NewBranchId(DateTimeOffset.UtcNow))).ToList();
        foreach (var b in branches)
            await system.OpenAccountAsync(b.Account, OpeningBalance);

        foreach (var b in branches)
            await (b.Side == HoldSide.Debit
                ? replies.SendAsync(b.Queue, new TryDebit(b.TransferId, b.BranchId, b.Account, Amount, "EUR"))
                : replies.SendAsync(b.Queue, new TryCredit(b.TransferId, b.BranchId, b.Account, Amount, "EUR")));
        await Eventually.Until(() => Task.FromResult(replies.Of<DebitTried>().Count() + replies.Of<CreditTried>().Count()),
            n => n == branches.Count, Timeout, "every branch is held");

        await Task.WhenAll(branches.Select(b => b.Side == HoldSide.Debit
            ? Task.WhenAll(replies.SendAsync(b.Queue, new ConfirmDebit(b.TransferId, b.BranchId)),
                replies.SendAsync(b.Queue, new CancelDebit(b.TransferId, b.BranchId)))
            : Task.WhenAll(replies.SendAsync(b.Queue, new ConfirmCredit(b.TransferId, b.BranchId)),
                replies.SendAsync(b.Queue, new CancelCredit(b.TransferId, b.BranchId)))));
        await Eventually.Until(() => Task.FromResult(branches.Sum(b => Settlements(replies, b).Count)),
            n => n == 2 * branches.Count, Timeout, "both commands of every branch are answered");

        await using var bank = await BankDatabase.CreateAsync(system.BankConnectionString);
        foreach (var b in branches)
        {
            // One answer says settled, the other refused, and they name the same winner.
            var answers = Settlements(replies, b);
            var settled = answers.Where(a => !a.Refused).Select(a => a.Phase).ToList();
            var refused = answers.Where(a => a.Refused).Select(a => a.Phase).ToList();
            Assert.Single(settled);
            Assert.Single(refused);
            Assert.NotEqual(settled[0], refused[0]);
            await bank.AssertSettledOnceAsync(b.TransferId, b.BranchId, b.Side, settled[0], OpeningBalance, Amount);
        }
    }

    [Fact]
    public async Task A_confirm_the_bank_refuses_leaves_the_transfer_needing_attention_never_completed()
    {
        await using var system = await BankTransferSystem.StartAsync(services, startBank: false);
        await using var replies = await ReplyRecorder.StartAsync(services, "bank-replies-attention", typeof(DebitCancelled));
        await system.StartBankAsync();
        await system.OpenAccountAsync("payer", OpeningBalance);
        await system.OpenAccountAsync("payee", OpeningBalance);
        await system.StopBankAsync();

        // The coordinator sends both Trys and is stopped before any answer, so what follows reaches it in one order.
        var transferId = await system.StartTransferAsync("payer", "payee", Amount);
        await Eventually.Until(async () => await services.QueueDepthAsync(BankParticipant.DebitEndpoint)
            + await services.QueueDepthAsync(BankParticipant.CreditEndpoint), n => n == 2, Timeout, "both Trys are queued");
        await system.StopCoordinatorAsync();
        await system.StartBankAsync();
        await using var bank = await BankDatabase.CreateAsync(system.BankConnectionString);
        await Eventually.Until(() => bank.WithDbAsync(db => Task.FromResult(db.Holds.Count(h => h.TransferId == transferId))),
            n => n == 2, Timeout, "both branches are held");

        // A stray Cancel of the held debit (a replay), before the coordinator's Confirm.
        var debitBranch = await bank.WithDbAsync(db =>
            Task.FromResult(db.Holds.Single(h => h.TransferId == transferId && h.Side == HoldSide.Debit).BranchId));
        await replies.SendAsync(BankParticipant.DebitEndpoint, new CancelDebit(transferId, debitBranch));
        await Eventually.Until(() => Task.FromResult(replies.Of<DebitCancelled>().Any(r => r.BranchId == debitBranch)),
            Timeout, "the stray cancel released the debit");

        await system.StartCoordinatorAsync();
        var saga = await system.TerminalSagaAsync(transferId);
        Assert.Equal("NeedsAttention", saga.GetProperty("state").GetString());
        Assert.Contains("refused the confirm of the debit", saga.GetProperty("outcome").GetString());
        Assert.Equal(["resolve"], saga.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        // The debit was settled once, by the Cancel; the Confirm moved nothing.
        await bank.AssertSettledOnceAsync(transferId, debitBranch, HoldSide.Debit, "cancel", OpeningBalance, Amount);
        // Reconciliation lists it for an operator, with the reason.
        var run = await ReconciliationApi.RunAsync(system.Coordinator, "?dryRun=true");
        var finding = Assert.Single(run.Findings, f => f.Kind == "needs-attention");
        Assert.Equal($"bank-transfer/{transferId}", finding.Subject);
        Assert.Contains("refused the confirm of the debit", finding.Detail);
    }

    sealed record Branch(HoldSide Side, string Account, Guid TransferId, Guid BranchId)
    {
        public string Queue => Side == HoldSide.Debit ? BankParticipant.DebitEndpoint : BankParticipant.CreditEndpoint;
    }

    /// <summary>The branch's answers to its Confirm and Cancel: which phase, and whether it was refused.</summary>
    static List<(string Phase, bool Refused)> Settlements(ReplyRecorder replies, Branch b) =>
    [
        .. replies.Of<DebitConfirmed>().Where(r => r.BranchId == b.BranchId).Select(_ => ("confirm", false)),
        .. replies.Of<CreditConfirmed>().Where(r => r.BranchId == b.BranchId).Select(_ => ("confirm", false)),
        .. replies.Of<DebitCancelled>().Where(r => r.BranchId == b.BranchId).Select(_ => ("cancel", false)),
        .. replies.Of<CreditCancelled>().Where(r => r.BranchId == b.BranchId).Select(_ => ("cancel", false)),
        .. replies.Of<DebitConfirmRefused>().Where(r => r.BranchId == b.BranchId).Select(_ => ("confirm", true)),
        .. replies.Of<CreditConfirmRefused>().Where(r => r.BranchId == b.BranchId).Select(_ => ("confirm", true)),
        .. replies.Of<DebitCancelRefused>().Where(r => r.BranchId == b.BranchId).Select(_ => ("cancel", true)),
        .. replies.Of<CreditCancelRefused>().Where(r => r.BranchId == b.BranchId).Select(_ => ("cancel", true)),
    ];
}
