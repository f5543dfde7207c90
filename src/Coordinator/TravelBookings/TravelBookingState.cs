using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>
/// A travel booking's orchestration state: the trip it books (to send each participant its command) and why it
/// failed. The booking id is the saga's <see cref="WorkflowSaga.CorrelationId"/>.
/// </summary>
public sealed class TravelBookingState : WorkflowSaga
{
    public string FlightNumber { get; set; } = "";
    public DateOnly FlightDate { get; set; }
    public int Seats { get; set; }
    public string HotelId { get; set; } = "";
    public DateOnly CheckIn { get; set; }
    public int Nights { get; set; }
    public string CarLocation { get; set; } = "";
    public string CarClass { get; set; } = "";
    public DateOnly CarPickUp { get; set; }
    public int CarDays { get; set; }

    /// <summary>The step whose failure started the compensation: flight, hotel or car.</summary>
    public string? FailedStep { get; set; }
    public string? FailureReason { get; set; }
}
