using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Transactions.Outbox;
using Transactions.Outbox.Barrier;

namespace Transactions.Participants.Hosting;

/// <summary>
/// The participant registrations of this host, checked when it starts (as options validated on start, so the process
/// stops with one line per problem): every endpoint's context is registered as a participant of its kind, and every
/// participant's model holds the tables its endpoints write. Without this check the first message would fail instead,
/// and be retried into <c>_error</c>.
/// </summary>
public sealed class ParticipantCheck
{
    internal sealed class Validator(ParticipantRegistry registry, IServiceScopeFactory scopes,
        IConfiguration configuration) : IValidateOptions<ParticipantCheck>
    {
        public ValidateOptionsResult Validate(string? name, ParticipantCheck options)
        {
            var failures = registry.Endpoints.Select(EndpointFailure)
                .Concat(registry.Participants.SelectMany(ModelFailures))
                .OfType<string>().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        string? EndpointFailure(ParticipantRegistry.Endpoint endpoint)
        {
            var participant = registry.Participants.FirstOrDefault(p => p.Context == endpoint.Context);
            var wanted = endpoint.Kind == ParticipantKind.Tcc ? "AddTccParticipant" : "AddSagaParticipant";
            if (participant is null)
                return $"Endpoint '{endpoint.Name}' ({endpoint.Consumer.Name}) uses {endpoint.Context.Name}, which is " +
                       $"not registered as a participant: call builder.{wanted}<{endpoint.Context.Name}>(connectionName).";
            if (endpoint.Kind == ParticipantKind.Tcc && participant.Kind != ParticipantKind.Tcc)
                return $"Endpoint '{endpoint.Name}' ({endpoint.Consumer.Name}) is a TCC branch, but " +
                       $"{endpoint.Context.Name} is registered as a saga step participant, without the barrier's " +
                       $"clean-up: register it with builder.AddTccParticipant<{endpoint.Context.Name}>(...) instead.";
            return null;
        }

        IEnumerable<string> ModelFailures(ParticipantRegistry.Participant participant)
        {
            // A missing connection string is reported by its own check; without it no context can be built.
            if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(participant.ConnectionName)))
                yield break;
            using var scope = scopes.CreateScope();
            var model = ((DbContext)scope.ServiceProvider.GetRequiredService(participant.Context)).Model;
            var name = participant.Context.Name;
            if (!model.HasTransactionalOutbox())
                yield return $"{name} has no outbox and inbox in its model: call modelBuilder.AddTransactionalOutbox() " +
                             "in its OnModelCreating, then add a migration.";
            if (participant.Kind == ParticipantKind.Tcc && !model.HasTccBarrier())
                yield return $"{name} has no TCC barrier in its model: call modelBuilder.AddTccBarrier() in its " +
                             "OnModelCreating, then add a migration.";
        }
    }
}
