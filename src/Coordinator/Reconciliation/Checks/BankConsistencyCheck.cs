using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Transactions.Contracts.BankTransfers;
using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.Persistence;

namespace Transactions.Coordinator.Reconciliation.Checks;

/// <summary>
/// The business check: asks the bank for its view of every bank transfer that finished within
/// <see cref="ReconciliationOptions.BusinessCheckWindow"/> and reports where it disagrees with the coordinator: a
/// Completed transfer must have both branches Confirmed at the bank; a Cancelled one must have no branch still
/// holding money (Held) or settled (Confirmed). Reports only: which side is right is an operator's decision.
/// </summary>
public sealed class BankConsistencyCheck(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options)
    : IReconciliationCheck
{
    const int RequestSize = 500;
    static readonly string Completed = nameof(BankTransferStateMachine.Completed);
    static readonly string Cancelled = nameof(BankTransferStateMachine.Cancelled);

    public string Name => "bank-consistency";

    public async Task RunAsync(ReconciliationContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        var since = context.Now - options.Value.BusinessCheckWindow;
        // Served by the saga index (current_state, updated_at, correlation_id).
        var finished = await db.Set<BankTransferState>().AsNoTracking()
            .Where(s => (s.CurrentState == Completed || s.CurrentState == Cancelled) && s.UpdatedAt >= since)
            .OrderBy(s => s.UpdatedAt).Take(options.Value.BatchLimit)
            .Select(s => new { s.CorrelationId, s.CurrentState })
            .ToListAsync(cancellationToken);
        context.Examined(Name, finished.Count);

        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<GetBankTransferViews>>();
        foreach (var chunk in finished.Chunk(RequestSize))
        {
            var answer = await client.GetResponse<BankTransferViews>(
                new GetBankTransferViews(chunk.Select(t => t.CorrelationId).ToList()), cancellationToken);
            var views = answer.Message.Transfers.ToDictionary(v => v.TransferId);
            foreach (var transfer in chunk)
            {
                var branches = views.TryGetValue(transfer.CorrelationId, out var view) ? view.Branches : [];
                foreach (var mismatch in Compare(transfer.CurrentState, branches))
                    context.Found(Name, "business-mismatch", $"bank-transfer/{transfer.CorrelationId}", mismatch);
            }
        }
    }

    /// <summary>What the bank holds that contradicts the coordinator's final state, one sentence each.</summary>
    public static IEnumerable<string> Compare(string sagaState, IReadOnlyList<BankBranchView> branches)
    {
        if (sagaState == Completed)
        {
            foreach (var side in new[] { "Debit", "Credit" })
            {
                var branch = branches.FirstOrDefault(b => b.Side == side);
                if (branch is null)
                    yield return $"saga is Completed but the bank has no {side.ToLowerInvariant()} branch";
                else if (branch.Status != "Confirmed")
                    yield return $"saga is Completed but the {Describe(branch)} is {branch.Status}";
            }
            yield break;
        }
        foreach (var branch in branches.Where(b => b.Status is "Held" or "Confirmed"))
            yield return branch.Status == "Held"
                ? $"saga is Cancelled but the {Describe(branch)} still holds {branch.Amount} {branch.Currency}"
                : $"saga is Cancelled but the {Describe(branch)} was Confirmed";
    }

    static string Describe(BankBranchView b) => $"{b.Side.ToLowerInvariant()} branch on account {b.AccountId}";
}
