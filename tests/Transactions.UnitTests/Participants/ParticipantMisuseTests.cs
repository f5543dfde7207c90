using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Transactions.Participants.Hosting;

namespace Transactions.UnitTests.Participants;

/// <summary>
/// A participant registered wrongly is refused with a message that says what is wrong and what to do: where the
/// mistake is made when registration can tell, else when the host starts (its start-up validation), never at the first
/// message.
/// </summary>
public sealed class ParticipantMisuseTests
{
    [Fact]
    public void An_endpoint_registered_twice_is_refused_naming_both_consumers()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddMassTransit(x =>
        {
            x.AddTccBranch<HoldConsumer, CompleteContext>("holds");
            x.AddTccBranch<OtherHoldConsumer, CompleteContext>("holds");
        }));
        Assert.Contains("Endpoint 'holds' is registered twice: for HoldConsumer, then for OtherHoldConsumer", error.Message);
    }

    [Fact]
    public void A_consumer_registered_on_two_endpoints_is_refused_naming_both()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddMassTransit(x =>
        {
            x.AddTccBranch<HoldConsumer, CompleteContext>("holds");
            x.AddTccBranch<HoldConsumer, CompleteContext>("more-holds");
        }));
        Assert.Contains("HoldConsumer is registered on two endpoints: 'holds', then 'more-holds'", error.Message);
    }

    [Fact]
    public void A_branch_consumer_that_does_not_declare_one_of_its_messages_is_refused_naming_the_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddMassTransit(x =>
            x.AddTccBranch<ForgetfulHoldConsumer, CompleteContext>("holds")));
        Assert.Contains("ForgetfulHoldConsumer (endpoint 'holds') does not consume CancelHold: declare IConsumer<CancelHold>",
            error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void An_endpoint_without_a_name_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMassTransit(x =>
            x.AddTccBranch<HoldConsumer, CompleteContext>(name)));

    [Fact]
    public void A_concurrent_message_limit_below_one_is_refused_naming_the_endpoint()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddMassTransit(x =>
            x.AddTccBranch<HoldConsumer, CompleteContext>("holds", concurrentMessageLimit: 0)));
        Assert.Contains("Endpoint 'holds'", error.Message);
    }

    [Fact]
    public void A_context_registered_as_a_participant_twice_is_refused_naming_both_registrations()
    {
        var builder = Builder();
        builder.AddTccParticipant<CompleteContext>("Holds");
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddSagaParticipant<CompleteContext>("Rooms"));
        Assert.Contains("CompleteContext is registered as a participant twice (Tcc, ConnectionStrings:Holds, then " +
                        "SagaStep, ConnectionStrings:Rooms)", error.Message);
    }

    [Fact]
    public void A_participant_registered_as_documented_passes_the_start_up_check()
    {
        using var host = Build(builder =>
        {
            builder.AddTccParticipant<CompleteContext>("Holds");
            builder.AddSagaParticipant<NoBarrierContext>("Rooms");
        }, x =>
        {
            x.AddTccBranch<HoldConsumer, CompleteContext>("holds", concurrentMessageLimit: 4, groupCommit: true);
            x.AddSagaStep<RoomConsumer, NoBarrierContext>("rooms");
        });
        host.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void A_TCC_participant_whose_model_lacks_the_barrier_does_not_start_and_says_what_to_call()
    {
        var failures = StartUpFailures(builder => builder.AddTccParticipant<NoBarrierContext>("Holds"),
            x => x.AddTccBranch<HoldConsumer, NoBarrierContext>("holds"));
        Assert.Equal(["NoBarrierContext has no TCC barrier in its model: call modelBuilder.AddTccBarrier() in its " +
                      "OnModelCreating, then add a migration."], failures);
    }

    [Fact]
    public void A_participant_whose_model_lacks_the_outbox_does_not_start_and_says_what_to_call()
    {
        var failures = StartUpFailures(builder => builder.AddTccParticipant<NoOutboxContext>("Holds"),
            x => x.AddTccBranch<HoldConsumer, NoOutboxContext>("holds"));
        Assert.Equal(["NoOutboxContext has no outbox and inbox in its model: call " +
                      "modelBuilder.AddTransactionalOutbox() in its OnModelCreating, then add a migration."], failures);
    }

    [Fact]
    public void A_branch_whose_context_is_not_registered_as_a_participant_does_not_start_and_says_what_to_call()
    {
        var failures = StartUpFailures(_ => { }, x => x.AddTccBranch<HoldConsumer, CompleteContext>("holds"));
        Assert.Equal(["Endpoint 'holds' (HoldConsumer) uses CompleteContext, which is not registered as a " +
                      "participant: call builder.AddTccParticipant<CompleteContext>(connectionName)."], failures);
    }

    [Fact]
    public void A_TCC_branch_on_a_saga_step_participant_does_not_start()
    {
        var failures = StartUpFailures(builder => builder.AddSagaParticipant<CompleteContext>("Holds"),
            x => x.AddTccBranch<HoldConsumer, CompleteContext>("holds"));
        var failure = Assert.Single(failures);
        Assert.StartsWith("Endpoint 'holds' (HoldConsumer) is a TCC branch, but CompleteContext is registered as a saga " +
                          "step participant", failure);
        Assert.Contains("builder.AddTccParticipant<CompleteContext>(...)", failure);
    }

    [Fact]
    public void A_participant_without_its_connection_string_does_not_start_and_names_the_setting()
    {
        var failures = StartUpFailures(builder => builder.AddTccParticipant<CompleteContext>("Holds"),
            x => x.AddTccBranch<HoldConsumer, CompleteContext>("holds"), connectionStrings: false);
        Assert.Equal(["ConnectionStrings:Holds is not set (environment variable ConnectionStrings__Holds)."], failures);
    }

    static HostApplicationBuilder Builder() => Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

    /// <summary>A host registered as a service would do it; its connection strings set unless told otherwise.</summary>
    static IHost Build(Action<IHostApplicationBuilder> participants, Action<IBusRegistrationConfigurator> bus,
        bool connectionStrings = true)
    {
        var builder = Builder();
        if (connectionStrings)
            foreach (var name in new[] { "Holds", "Rooms" })
                builder.Configuration[$"ConnectionStrings:{name}"] = "Host=127.0.0.1;Database=unused";
        participants(builder);
        // A context's options take the outbox's commit interceptor, which sends through the bus: one is needed,
        // though never started.
        builder.Services.AddMassTransit(x =>
        {
            bus(x);
            x.UsingInMemory();
        });
        return builder.Build();
    }

    /// <summary>What the host's start-up validation (the one <c>StartAsync</c> runs first) refuses, one line each.</summary>
    static IReadOnlyList<string> StartUpFailures(Action<IHostApplicationBuilder> participants,
        Action<IBusRegistrationConfigurator> bus, bool connectionStrings = true)
    {
        using var host = Build(participants, bus, connectionStrings);
        var error = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
        var causes = error is AggregateException all ? all.Flatten().InnerExceptions : [error];
        return causes.Select(Assert.IsType<OptionsValidationException>).SelectMany(e => e.Failures).ToList();
    }
}
