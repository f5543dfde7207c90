using MassTransit;
using Transactions.Outbox;

namespace Transactions.Coordinator.Persistence;

public static class CoordinatorOutbox
{
    /// <summary>
    /// Every coordinator endpoint consumes through the PostgreSQL outbox of <see cref="CoordinatorDbContext"/> (saga
    /// change, inbox row and outgoing commands commit together), and the API publishes through the bus outbox.
    /// </summary>
    public static IBusRegistrationConfigurator AddCoordinatorOutbox(this IBusRegistrationConfigurator bus)
    {
        bus.AddPostgresOutbox<CoordinatorDbContext>();
        bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            endpoint.UsePostgresOutbox<CoordinatorDbContext>(context));
        return bus;
    }
}
