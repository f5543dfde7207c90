using Microsoft.EntityFrameworkCore;

namespace Transactions.Participants.Tcc;

/// <summary>How long the barrier of <typeparamref name="TContext"/> remembers branches, and how often it forgets.</summary>
/// <param name="BarrierRetention">
/// Barrier rows of branches issued longer ago are removed; a late message of such a branch is refused (Try) or
/// answered "expired" (Confirm, Cancel), never applied. Longer than a coordinator keeps resending a Confirm or
/// Cancel, and than the inbox remembers messages.
/// </param>
/// <param name="CleanupInterval">How often <see cref="BarrierCleanup{TContext}"/> runs.</param>
public sealed record TccParticipantSettings<TContext>(TimeSpan BarrierRetention, TimeSpan CleanupInterval)
    where TContext : DbContext
{
    /// <summary>A week of retention, cleaned up hourly.</summary>
    public static TccParticipantSettings<TContext> Default { get; } = new(TimeSpan.FromDays(7), TimeSpan.FromHours(1));
}
