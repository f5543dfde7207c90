using MassTransit.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Outbox.Configuration;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// The DbContexts whose outbox this host registered (one <c>AddPostgresOutbox</c> each), in registration order, and how
/// to make a scope's bus context for each: what lets a publish outside a consumer find its outbox, or refuse to guess.
/// </summary>
sealed class OutboxDbContexts
{
    readonly List<(Type Type, Func<IServiceProvider, ScopedBusContext> Create)> _contexts = [];

    public IReadOnlyList<Type> Types => _contexts.Select(c => c.Type).ToList();

    public void Add(Type type, Func<IServiceProvider, ScopedBusContext> create)
    {
        if (!_contexts.Exists(c => c.Type == type))
            _contexts.Add((type, create));
    }

    /// <summary>The bus context of the scope's one outbox DbContext; null when the host registered several.</summary>
    public ScopedBusContext? Single(IServiceProvider scope) => _contexts.Count == 1 ? _contexts[0].Create(scope) : null;

    /// <summary>The one instance in <paramref name="services"/>, added on first use.</summary>
    public static OutboxDbContexts In(IServiceCollection services) =>
        SharedRegistrationState.In(services, () => new OutboxDbContexts());
}
