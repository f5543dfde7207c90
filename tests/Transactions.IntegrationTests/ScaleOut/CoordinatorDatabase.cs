using Microsoft.EntityFrameworkCore;
using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.TravelBookings;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>The coordinators' database, read by the scale-out tests.</summary>
public static class CoordinatorDatabase
{
    static readonly string[] TransferEnds = ["Completed", "Cancelled", "NeedsAttention", "Resolved"];
    static readonly string[] BookingEnds = ["Completed", "Compensated", "NeedsAttention", "Resolved"];

    public static CoordinatorDbContext Open(string connectionString) =>
        new(new DbContextOptionsBuilder<CoordinatorDbContext>().UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention().Options);

    /// <summary>How many sagas of either workflow have ended.</summary>
    public static async Task<int> EndedAsync(string connectionString)
    {
        await using var db = Open(connectionString);
        return await db.Set<BankTransferState>().CountAsync(s => TransferEnds.Contains(s.CurrentState))
               + await db.Set<TravelBookingState>().CountAsync(s => BookingEnds.Contains(s.CurrentState));
    }
}
