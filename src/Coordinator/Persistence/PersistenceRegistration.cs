using MassTransit;
using Transactions.Outbox;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Coordinator.Persistence;

public static class PersistenceRegistration
{
    public const string ConnectionName = "Coordinator";

    public static IHostApplicationBuilder AddCoordinatorDatabase(this IHostApplicationBuilder builder) =>
        builder.AddPostgresDbContext<CoordinatorDbContext>(ConnectionName);

    /// <summary>
    /// Every coordinator endpoint consumes behind the outbox and inbox of <see cref="CoordinatorDbContext"/>: a saga's
    /// new state and the commands it sends commit together; the API sends through the bus outbox. The messages ready
    /// at once share one commit (group commit): the sagas publish only through their behavior context.
    /// </summary>
    public static IBusRegistrationConfigurator AddCoordinatorOutbox(this IBusRegistrationConfigurator bus)
    {
        bus.AddPostgresOutbox<CoordinatorDbContext>();
        bus.AddConfigureEndpointsCallback((context, _, endpoint) => endpoint.UsePostgresOutbox<CoordinatorDbContext>(context, groupCommit: true));
        return bus;
    }
}
