using Transactions.Participants.Sample.Bank.Branches;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>
/// One transfer's deliveries as a misbehaving broker might make them: each branch's phases repeated, shuffled within
/// what the coordinator can send (it confirms only after both Trys answered; it may cancel at any time), and some
/// delivered concurrently.
/// </summary>
sealed class TransferSchedule
{
    public required decimal Amount { get; init; }
    public required bool Confirmed { get; init; }
    public required List<Delivery[]> Steps { get; init; }

    /// <summary>One message delivery to one branch.</summary>
    public sealed record Delivery(Guid TransferId, Guid BranchId, HoldSide Side, string Phase, string Account,
        decimal Amount);

    public static TransferSchedule Random(Random random, string from, string to)
    {
        var transferId = Guid.NewGuid();
        // Some amounts exceed the balance, so the debit's Try is refused and the transfer must cancel.
        var amount = random.Next(20) == 0 ? 1_000_000m : Math.Round((decimal)random.NextDouble() * 100m + 0.01m, 2);
        var confirm = amount < 1_000_000m && random.Next(2) == 0;
        var deliveries = new List<Delivery>();
        foreach (var (side, account) in new[] { (HoldSide.Debit, from), (HoldSide.Credit, to) })
        {
            var branchId = Guid.CreateVersion7();
            Delivery Make(string phase) => new(transferId, branchId, side, phase, account, amount);
            var tries = Enumerable.Range(0, confirm ? 1 + random.Next(3) : random.Next(4)).Select(_ => Make("try"));
            var ends = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Make(confirm ? "confirm" : "cancel"));
            deliveries.AddRange(tries.Concat(ends));
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
        return new TransferSchedule { Amount = amount, Confirmed = confirm, Steps = steps };
    }

    public async Task DeliverAsync(BankDatabase bank)
    {
        foreach (var step in Steps)
            await Task.WhenAll(step.Select(d => bank.WithBranchesAsync(b => d.Phase switch
            {
                "try" => b.TryAsync(d.TransferId, d.BranchId, d.Side, d.Account, d.Amount, "EUR", default),
                "confirm" => b.ConfirmAsync(d.TransferId, d.BranchId, default),
                _ => b.CancelAsync(d.TransferId, d.BranchId, default),
            })));
    }
}

/// <summary>Counts which barrier paths the schedules exercised.</summary>
sealed class ScheduleStats
{
    int _confirmed, _cancelled, _nullCompensations, _hangingTries, _duplicates, _concurrentPairs, _refusals;

    public int Confirmed => _confirmed;
    public int Cancelled => _cancelled;
    public int NullCompensations => _nullCompensations;
    public int HangingTries => _hangingTries;
    public int Duplicates => _duplicates;
    public int ConcurrentPairs => _concurrentPairs;
    public int Refusals => _refusals;

    public void Record(TransferSchedule schedule)
    {
        Interlocked.Increment(ref schedule.Confirmed ? ref _confirmed : ref _cancelled);
        if (schedule.Amount >= 1_000_000m)
            Interlocked.Increment(ref _refusals);
        Interlocked.Add(ref _concurrentPairs, schedule.Steps.Count(s => s.Length == 2));
        var deliveries = schedule.Steps.SelectMany(s => s).ToList();
        foreach (var branch in deliveries.GroupBy(d => d.BranchId))
        {
            var phases = branch.Select(d => d.Phase).ToList();
            Interlocked.Add(ref _duplicates, phases.Count - phases.Distinct().Count());
            var firstCancel = phases.IndexOf("cancel");
            if (firstCancel == 0)
                Interlocked.Increment(ref _nullCompensations);
            if (firstCancel >= 0 && phases.LastIndexOf("try") > firstCancel)
                Interlocked.Increment(ref _hangingTries);
        }
    }

    public override string ToString() =>
        $"confirmed {Confirmed}, cancelled {Cancelled}, null compensations {NullCompensations}, hanging tries " +
        $"{HangingTries}, duplicates {Duplicates}, concurrent pairs {ConcurrentPairs}, refusals {Refusals}";
}
