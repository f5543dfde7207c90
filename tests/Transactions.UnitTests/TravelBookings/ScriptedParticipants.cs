using System.Collections.Concurrent;
using MassTransit;
using Transactions.Contracts.TravelBookings;

namespace Transactions.UnitTests.TravelBookings;

/// <summary>
/// Stands in for the flights, hotels and cars participants: records every command in the order received and answers
/// as scripted (reserve, refuse, or stay silent), so tests can assert exactly which steps were undone and in which order.
/// </summary>
public sealed class ParticipantScript
{
    public HashSet<string> Refuse { get; } = [];
    public HashSet<string> SilentOnReserve { get; } = [];
    public HashSet<string> SilentOnCancel { get; } = [];
    public ConcurrentQueue<string> Commands { get; } = new();

    public Task ReserveAsync(ConsumeContext context, string leg, object reserved, object refused)
    {
        Commands.Enqueue($"reserve {leg}");
        if (SilentOnReserve.Contains(leg))
            return Task.CompletedTask;
        return context.Publish(Refuse.Contains(leg) ? refused : reserved);
    }

    public Task CancelAsync(ConsumeContext context, string leg, object cancelled)
    {
        Commands.Enqueue($"cancel {leg}");
        return SilentOnCancel.Contains(leg) ? Task.CompletedTask : context.Publish(cancelled);
    }
}

public sealed class ScriptedFlights(ParticipantScript script) : IConsumer<ReserveFlight>, IConsumer<CancelFlight>
{
    public Task Consume(ConsumeContext<ReserveFlight> c) => script.ReserveAsync(c, "flight",
        new FlightReserved(c.Message.BookingId), new FlightReservationFailed(c.Message.BookingId, "No seats left."));

    public Task Consume(ConsumeContext<CancelFlight> c) =>
        script.CancelAsync(c, "flight", new FlightCancelled(c.Message.BookingId));
}

public sealed class ScriptedHotels(ParticipantScript script) : IConsumer<ReserveHotel>, IConsumer<CancelHotel>
{
    public Task Consume(ConsumeContext<ReserveHotel> c) => script.ReserveAsync(c, "hotel",
        new HotelReserved(c.Message.BookingId), new HotelReservationFailed(c.Message.BookingId, "No rooms left."));

    public Task Consume(ConsumeContext<CancelHotel> c) =>
        script.CancelAsync(c, "hotel", new HotelCancelled(c.Message.BookingId));
}

public sealed class ScriptedCars(ParticipantScript script) : IConsumer<ReserveCar>, IConsumer<CancelCar>
{
    public Task Consume(ConsumeContext<ReserveCar> c) => script.ReserveAsync(c, "car",
        new CarReserved(c.Message.BookingId), new CarReservationFailed(c.Message.BookingId, "No cars left."));

    public Task Consume(ConsumeContext<CancelCar> c) =>
        script.CancelAsync(c, "car", new CarCancelled(c.Message.BookingId));
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
