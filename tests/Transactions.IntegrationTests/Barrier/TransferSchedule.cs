using System.Collections.Concurrent;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Tcc;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>
/// One transfer's deliveries as a misbehaving broker might make them: each branch's phases repeated, shuffled within
/// what the coordinator can send (it confirms only after both Trys answered; it may cancel at any time), some
/// delivered concurrently, and in some transfers a settlement of the other kind replayed beside the coordinator's
/// (a Cancel beside a Confirm, or a Confirm beside a Cancel), as a replay from an <c>_error</c> queue would.
/// </summary>
sealed class TransferSchedule
{
    public required Guid TransferId { get; init; }
    public required decimal Amount { get; init; }
    public required List<Delivery[]> Steps { get; init; }

    /// <summary>Each delivery and the bank's answer to it, in the order the answers came.</summary>
    public ConcurrentQueue<(Delivery Delivery, string Answer)> Answers { get; } = new();

    /// <summary>One message delivery to one branch.</summary>
    public sealed record Delivery(Guid TransferId, Guid BranchId, HoldSide Side, string Phase, string Account,
        decimal Amount);

    public static TransferSchedule Random(Random random, string from, string to)
    {
        var transferId = Guid.NewGuid();
        // Some amounts exceed the balance, so the debit's Try is refused and the transfer must cancel.
        var amount = random.Next(10) == 0 ? 1_000_000m : Math.Round((decimal)random.NextDouble() * 100m + 0.01m, 2);
        var confirm = amount < 1_000_000m && random.Next(2) == 0;
        var deliveries = new List<Delivery>();
        foreach (var (side, account) in new[] { (HoldSide.Debit, from), (HoldSide.Credit, to) })
        {
            var branchId = Guid.CreateVersion7();
            Delivery Make(string phase) => new(transferId, branchId, side, phase, account, amount);
            var tries = Enumerable.Range(0, confirm ? 1 + random.Next(3) : random.Next(4)).Select(_ => Make("try"));
            var ends = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Make(confirm ? "confirm" : "cancel"));
            var replayed = random.Next(4) == 0 ? [Make(confirm ? "cancel" : "confirm")] : Array.Empty<Delivery>();
            deliveries.AddRange(tries.Concat(ends).Concat(replayed));
        }

        var order = deliveries.OrderBy(_ => random.Next()).ToList();
        if (confirm)
        {
            // The coordinator confirms only after each branch's first Try answered: move one Try of each branch first.
            foreach (var side in new[] { HoldSide.Debit, HoldSide.Credit })
            {
                var first = order.First(d => d.Side == side && d.Phase == "try");
                order.Remove(first);
                order.Insert(0, first);
            }
        }

        // The two answered Trys of a confirmed transfer come alone; any other neighbours may arrive together.
        var steps = new List<Delivery[]>();
        for (var i = 0; i < order.Count; i++)
            steps.Add((!confirm || i >= 2) && i + 1 < order.Count && random.Next(3) == 0
                ? [order[i], order[++i]]
                : [order[i]]);
        return new TransferSchedule { TransferId = transferId, Amount = amount, Steps = steps };
    }

    public async Task DeliverAsync(BankDatabase bank)
    {
        foreach (var step in Steps)
            await Task.WhenAll(step.Select(d => bank.WithBranchesAsync(async b => Answers.Enqueue((d, d.Phase switch
            {
                "try" => (await b.TryAsync(d.TransferId, d.BranchId, d.Side, d.Account, d.Amount, "EUR", default)).Result.ToString(),
                "confirm" => Describe(await b.ConfirmAsync(d.TransferId, d.BranchId, default)),
                _ => Describe(await b.CancelAsync(d.TransferId, d.BranchId, default)),
            })))));
    }

    static string Describe(SettleAnswer answer) => answer.Settled ? "settled" : answer.Reason!;
}

/// <summary>
/// Counts what the barrier did, read from its records and the bank's answers rather than from what the generator made:
/// a schedule meant to exercise a path proves nothing unless the barrier took that path.
/// </summary>
sealed class ScheduleStats
{
    int _confirmed, _cancelled, _nullCompensations, _hangingTries, _duplicates, _concurrentPairs, _fundsRefusals,
        _exclusionRefusals;

    public int Confirmed => _confirmed;
    public int Cancelled => _cancelled;
    public int NullCompensations => _nullCompensations;
    public int HangingTries => _hangingTries;
    public int Duplicates => _duplicates;
    public int ConcurrentPairs => _concurrentPairs;
    public int FundsRefusals => _fundsRefusals;
    public int ExclusionRefusals => _exclusionRefusals;

    /// <param name="records">The barrier's rows of the schedule's transfer.</param>
    public void Record(TransferSchedule schedule, IReadOnlyList<TccBarrierRecord> records)
    {
        Interlocked.Add(ref _concurrentPairs, schedule.Steps.Count(s => s.Length == 2));
        foreach (var branch in schedule.Answers.GroupBy(a => a.Delivery.BranchId))
        {
            var rows = records.Where(r => r.BranchId == branch.Key).ToList();
            var nullCompensated = rows.Any(r => r.Phase == "try" && r.Origin == "cancel");
            if (nullCompensated)
                Interlocked.Increment(ref _nullCompensations);
            if (rows.Any(r => r.Phase == "confirm"))
                Interlocked.Increment(ref _confirmed);
            if (rows.Any(r => r.Phase == "cancel") && !nullCompensated)
                Interlocked.Increment(ref _cancelled);
            var refused = 0;
            foreach (var (delivery, answer) in branch)
            {
                if (delivery.Phase == "try" && answer == nameof(TryResult.Refused) && nullCompensated)
                {
                    refused++;
                    Interlocked.Increment(ref _hangingTries);
                }
                else if (delivery.Phase != "try" && answer != "settled")
                {
                    refused++;
                    if (answer.Contains("before this"))
                        Interlocked.Increment(ref _exclusionRefusals);
                }
            }
            if (!nullCompensated && branch.Any(a => a.Delivery.Phase == "try" && a.Answer == nameof(TryResult.Refused)))
                Interlocked.Increment(ref _fundsRefusals);
            // The rest found their phase recorded already (a row its own phase wrote) and changed nothing.
            Interlocked.Add(ref _duplicates, branch.Count() - rows.Count(r => r.Origin == r.Phase) - refused);
        }
    }

    public override string ToString() =>
        $"confirmed {Confirmed}, cancelled {Cancelled}, null compensations {NullCompensations}, hanging tries refused " +
        $"{HangingTries}, duplicates absorbed {Duplicates}, concurrent pairs {ConcurrentPairs}, tries refused for " +
        $"funds {FundsRefusals}, confirm/cancel exclusions {ExclusionRefusals}";
}
