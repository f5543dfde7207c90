using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Transactions.Outbox.Inbox;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox;

/// <summary>Adds the outbox and inbox tables to an application's own <see cref="DbContext"/>.</summary>
public static class OutboxModelBuilderExtensions
{
    /// <summary>
    /// Maps <c>outbox_message</c> (<see cref="OutboxMessage"/>), <c>outbox_dead_letter</c>
    /// (<see cref="OutboxDeadLetter"/>) and <c>inbox_state</c> (<see cref="InboxState"/>)
    /// into the model, so that they are created by the context's migrations and written in the same transactions as
    /// its business tables. Call it from <c>OnModelCreating</c>.
    /// </summary>
    /// <param name="modelBuilder">The context's model builder.</param>
    /// <returns>The same model builder.</returns>
    public static ModelBuilder AddTransactionalOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new OutboxMessageMapping());
        modelBuilder.ApplyConfiguration(new OutboxDeadLetterMapping());
        modelBuilder.ApplyConfiguration(new InboxStateMapping());
        return modelBuilder;
    }

    /// <summary>
    /// Whether <paramref name="model"/> holds the outbox and inbox tables (<see cref="AddTransactionalOutbox"/> was
    /// called), so that a host can refuse to start a consumer behind an outbox its context lacks.
    /// </summary>
    public static bool HasTransactionalOutbox(this IReadOnlyModel model) =>
        model.FindEntityType(typeof(OutboxMessage)) is not null && model.FindEntityType(typeof(OutboxDeadLetter)) is not null
        && model.FindEntityType(typeof(InboxState)) is not null;
}
