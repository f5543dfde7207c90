using Microsoft.Extensions.DependencyInjection;

namespace Transactions.Outbox.Configuration;

/// <summary>
/// State that several registration calls on one service collection share (which contexts have an outbox, which
/// participants were registered): kept as a singleton instance in the collection itself, so it is found again by the
/// next call and by the services at run time.
/// </summary>
public static class SharedRegistrationState
{
    /// <summary>The one <typeparamref name="T"/> in <paramref name="services"/>, added on first use.</summary>
    public static T In<T>(IServiceCollection services, Func<T> create) where T : class
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(T))?.ImplementationInstance is T existing)
            return existing;
        var state = create();
        services.AddSingleton(state);
        return state;
    }
}
