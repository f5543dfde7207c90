using MassTransit;

namespace Transactions.Participants.Sample.Hosting;

/// <summary>
/// One sample participant (bank, flights, hotels, cars). The host runs the subset named in
/// <c>Participants:Enabled</c>, so each participant can also run as a process of its own.
/// </summary>
public interface IParticipantModule
{
    /// <summary>The name used in <c>Participants:Enabled</c>.</summary>
    string Name { get; }

    /// <summary>Its database, options and services.</summary>
    void AddServices(IHostApplicationBuilder builder);

    /// <summary>Its consumers, on the one bus the host shares.</summary>
    void AddConsumers(IBusRegistrationConfigurator bus);

    /// <summary>Its REST endpoints.</summary>
    void MapEndpoints(IEndpointRouteBuilder app);
}
