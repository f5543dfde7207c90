using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Sagas;
using Transactions.Outbox.Sagas;
using Transactions.ServiceDefaults.Configuration;

namespace Transactions.Coordinator.TravelBookings;

public static class TravelBookingRegistration
{
    /// <summary>The queue the saga consumes <c>StartTravelBooking</c> and the participants' replies from.</summary>
    public const string Queue = "travel-booking-state";

    public const string WorkflowName = "travel-booking";

    /// <summary>
    /// The travel booking saga, its options (<c>TravelBookings</c>) and its place among the workflows the saga API and
    /// the deadline driver serve. The saga is stored in <see cref="CoordinatorDbContext"/> unless
    /// <paramref name="repository"/> chooses another repository (the state machine's unit tests keep it in memory).
    /// </summary>
    public static IBusRegistrationConfigurator AddTravelBookings(this IBusRegistrationConfigurator bus,
        Action<ISagaRegistrationConfigurator<TravelBookingState>>? repository = null)
    {
        bus.AddValidatedOptions<TravelBookingOptions>(TravelBookingOptions.Section);
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddSagaWorkflow<TravelBookingState>(WorkflowName, TravelBookingStateMachine.Describe, "Completed",
            "Compensated", "NeedsAttention", "Resolved");
        var saga = bus.AddSagaStateMachine<TravelBookingStateMachine, TravelBookingState>()
            .Endpoint(e => e.Name = Queue);
        (repository ?? (r => r.PostgresRepository<TravelBookingState, CoordinatorDbContext>()))(saga);
        bus.AddConfigureEndpointsCallback((_, name, endpoint) =>
        {
            if (name == Queue)
                TravelBookingMessageRules.Apply(endpoint);
        });
        return bus;
    }
}
