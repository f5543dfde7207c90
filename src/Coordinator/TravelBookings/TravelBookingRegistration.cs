using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Coordinator.Sagas;
using Transactions.ServiceDefaults.Configuration;

namespace Transactions.Coordinator.TravelBookings;

public static class TravelBookingRegistration
{
    /// <summary>The queue the saga consumes <c>StartTravelBooking</c> and the participants' replies from.</summary>
    public const string Queue = "travel-booking-state";

    public const string WorkflowName = "travel-booking";

    /// <summary>
    /// The travel booking saga, its options (<c>TravelBookings</c>) and its place among the workflows the saga API and
    /// the deadline driver serve.
    /// </summary>
    public static IBusRegistrationConfigurator AddTravelBookings(this IBusRegistrationConfigurator bus)
    {
        bus.AddValidatedOptions<TravelBookingOptions>(TravelBookingOptions.Section);
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddSagaWorkflow<TravelBookingState>(WorkflowName, "Completed", "Compensated", "NeedsAttention");
        bus.AddSagaStateMachine<TravelBookingStateMachine, TravelBookingState>()
            .Endpoint(e => e.Name = Queue)
            .InMemoryRepository();
        return bus;
    }
}
