using Microsoft.Extensions.DependencyInjection;
using Transactions.Outbox.Configuration;

namespace Transactions.Participants.Hosting;

/// <summary>Whether a participant's context runs TCC branches (barrier and outbox) or saga steps (outbox only).</summary>
internal enum ParticipantKind
{
    /// <summary>Try, Confirm and Cancel behind the TCC barrier.</summary>
    Tcc,

    /// <summary>Reserve and Cancel (compensation).</summary>
    SagaStep,
}

/// <summary>
/// What this host registered as participants, so that a misuse is refused where it is made (an endpoint named twice)
/// or when the host starts (an endpoint whose context was not registered, a context lacking its tables).
/// </summary>
sealed class ParticipantRegistry
{
    public sealed record Participant(Type Context, ParticipantKind Kind, string ConnectionName);

    public sealed record Endpoint(string Name, Type Consumer, Type Context, ParticipantKind Kind);

    readonly Dictionary<Type, Participant> _participants = [];
    readonly Dictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    readonly HashSet<Type> _outboxes = [];

    public IReadOnlyCollection<Participant> Participants => _participants.Values;

    public IReadOnlyCollection<Endpoint> Endpoints => _endpoints.Values;

    public void Add(Participant participant)
    {
        if (_participants.TryGetValue(participant.Context, out var existing))
            throw new InvalidOperationException(
                $"{participant.Context.Name} is registered as a participant twice ({Describe(existing)}, then " +
                $"{Describe(participant)}). Register each DbContext once; its endpoints all share it.");
        _participants.Add(participant.Context, participant);
    }

    public void Add(Endpoint endpoint)
    {
        if (MissingConsumers(endpoint.Consumer) is { Count: > 0 } missing)
            throw new InvalidOperationException(
                $"{endpoint.Consumer.Name} (endpoint '{endpoint.Name}') does not consume " +
                $"{string.Join(", ", missing.Select(m => m.Name))}: declare IConsumer<{missing[0].Name}> on it, its " +
                "Consume passing the context on to the base class (see docs/participants.md).");
        if (_endpoints.TryGetValue(endpoint.Name, out var existing))
            throw new InvalidOperationException(
                $"Endpoint '{endpoint.Name}' is registered twice: for {existing.Consumer.Name}, then for " +
                $"{endpoint.Consumer.Name}. Each branch or step needs a queue of its own.");
        if (_endpoints.Values.FirstOrDefault(e => e.Consumer == endpoint.Consumer) is { } other)
            throw new InvalidOperationException(
                $"{endpoint.Consumer.Name} is registered on two endpoints: '{other.Name}', then '{endpoint.Name}'. " +
                "A consumer has one queue; to share work, run more instances of the service.");
        _endpoints.Add(endpoint.Name, endpoint);
    }

    /// <summary>
    /// The messages of its base class (<c>TccBranchConsumer&lt;TTry, TConfirm, TCancel&gt;</c>,
    /// <c>SagaStepConsumer&lt;TReserve, TCancel&gt;</c>) that <paramref name="consumer"/> does not declare it consumes:
    /// MassTransit would bind none of them, and the coordinator would wait for replies that never come.
    /// </summary>
    static List<Type> MissingConsumers(Type consumer)
    {
        for (var type = consumer.BaseType; type is not null; type = type.BaseType)
            if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition &&
                (definition == typeof(Tcc.TccBranchConsumer<,,>) || definition == typeof(SagaSteps.SagaStepConsumer<,>)))
                return type.GetGenericArguments()
                    .Where(m => !typeof(MassTransit.IConsumer<>).MakeGenericType(m).IsAssignableFrom(consumer)).ToList();
        return [];
    }

    /// <summary>True the first time <paramref name="context"/> asks for its outbox: it is registered once per context.</summary>
    public bool FirstOutbox(Type context) => _outboxes.Add(context);

    static string Describe(Participant participant) =>
        $"{participant.Kind}, ConnectionStrings:{participant.ConnectionName}";

    /// <summary>The one instance in <paramref name="services"/>, added on first use.</summary>
    public static ParticipantRegistry In(IServiceCollection services) =>
        SharedRegistrationState.In(services, () => new ParticipantRegistry());
}
