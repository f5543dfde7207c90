using Microsoft.EntityFrameworkCore;
using Transactions.ServiceDefaults.Http;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// The REST routes every reservation participant has under its own prefix: <c>PUT inventory</c> sets capacity,
/// <c>GET reservations/{bookingId}</c> reads a booking's reservation. Each participant maps its own
/// <c>GET inventory/...</c> route, whose path names its resource, through <see cref="GetSlotAsync{TContext}"/>.
/// </summary>
public static class ReservationEndpoints
{
    public static RouteGroupBuilder MapReservationEndpoints<TContext, TInventoryRequest>(this IEndpointRouteBuilder app,
        string prefix)
        where TContext : ReservationsDbContext
        where TInventoryRequest : class, IInventoryRequest
    {
        // Handlers over a type parameter are bound as delegates: the route analyzer cannot follow generic lambdas.
        Delegate setInventory = (HttpRequest request, TContext db, CancellationToken ct) =>
            SetInventoryAsync<TContext, TInventoryRequest>(request, db, ct);
        Delegate getReservation = async (Guid bookingId, ReservationBook<TContext> book, CancellationToken ct) =>
            await book.FindAsync(bookingId, ct) is { } reservation ? Results.Ok(ReservationView.Of(reservation)) : Results.NotFound();
        var group = app.MapGroup(prefix);
        group.MapPut("/inventory", setInventory).RequireOperator();
        group.MapGet("/reservations/{bookingId:guid}", getReservation).RequireReader();
        return group;
    }

    public static async Task<IResult> GetSlotAsync<TContext>(TContext db, string resource, DateOnly day,
        CancellationToken cancellationToken)
        where TContext : ReservationsDbContext =>
        await db.Inventory.AsNoTracking().SingleOrDefaultAsync(s => s.Resource == resource && s.Day == day,
                cancellationToken) is { } slot
            ? Results.Ok(InventorySlotView.Of(slot))
            : Results.NotFound();

    /// <summary>
    /// Creates or resizes the slots; refuses (409, naming <c>capacity</c>) to shrink one below what is already
    /// reserved, and then changes none of them.
    /// </summary>
    static async Task<IResult> SetInventoryAsync<TContext, TInventoryRequest>(HttpRequest request, TContext db,
        CancellationToken cancellationToken)
        where TContext : ReservationsDbContext
        where TInventoryRequest : class, IInventoryRequest
    {
        var (body, problem) = await JsonRequest.ReadAsync<TInventoryRequest>(request);
        if (problem is not null)
            return problem;
        if (body!.Validate().ToProblem() is { } invalid)
            return invalid;

        var range = body.ToRange();
        var days = Enumerable.Range(0, range.Days).Select(range.FirstDay.AddDays).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var day in days)
        {
            var written = await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO inventory_slots (resource, day, capacity, reserved) VALUES ({range.Resource}, {day}, {range.Capacity}, 0)
                ON CONFLICT (resource, day) DO UPDATE SET capacity = excluded.capacity
                WHERE inventory_slots.reserved <= excluded.capacity
                """, cancellationToken);
            if (written == 0)
                return Results.Problem(statusCode: StatusCodes.Status409Conflict,
                    title: "Capacity below what is reserved.",
                    detail: $"{range.Resource} on {day:yyyy-MM-dd} has more reserved than {range.Capacity}.",
                    extensions: new Dictionary<string, object?> { ["field"] = "capacity" });
        }
        await transaction.CommitAsync(cancellationToken);
        var slots = await db.Inventory.AsNoTracking()
            .Where(s => s.Resource == range.Resource && days.Contains(s.Day)).OrderBy(s => s.Day)
            .ToListAsync(cancellationToken);
        return Results.Ok(slots.Select(InventorySlotView.Of));
    }
}
