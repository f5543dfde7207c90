using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Outbox;
using Transactions.Outbox.Sagas;

namespace Transactions.IntegrationTests.Sagas;

public sealed record StartCounter(Guid CounterId);

/// <param name="FailAfterPublish">Makes the saga throw after it has published <see cref="CounterIncremented"/>.</param>
public sealed record IncrementCounter(Guid CounterId, bool FailAfterPublish = false);

/// <summary>Starts a counter with MassTransit's insert-on-initial: the row is inserted before the saga runs.</summary>
public sealed record StartCounterEagerly(Guid CounterId);

/// <summary>Correlated by a query, not an id: adds <paramref name="By"/> to every counter at or above <paramref name="AtLeast"/>.</summary>
public sealed record BumpCountersAtLeast(int AtLeast, int By);

/// <summary>Published by the saga on every increment, with the count it reached.</summary>
public sealed record CounterIncremented(Guid CounterId, int Count);

/// <summary>A saga that counts events, so a lost update shows as a count below the number of events sent.</summary>
public sealed class CounterState : ITrackedSaga
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public int Starts { get; set; }
    public int Count { get; set; }

    /// <summary>Events applied on a retry, i.e. after losing a race: proof that the races happened.</summary>
    public int AppliedOnRetry { get; set; }

    public override string ToString() =>
        $"{CurrentState} Count={Count} Starts={Starts} Version={Version} AppliedOnRetry={AppliedOnRetry}";
}

public sealed class CounterStateMap : SagaEntityMap<CounterState>
{
    protected override void ConfigureSaga(EntityTypeBuilder<CounterState> builder) => builder.ToTable("counter_state");
}

public sealed class CounterDbContext(DbContextOptions<CounterDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfiguration(new CounterStateMap()).AddTransactionalOutbox();
}

/// <summary>Called on a saga's first start, before its state is saved: lets a test make a competitor win the race.</summary>
public interface IStartRace
{
    Task BeforeFirstSave(Guid counterId);
}

public sealed class CounterStateMachine : MassTransitStateMachine<CounterState>
{
    public State Counting { get; private set; } = null!;
    public Event<StartCounter> Started { get; private set; } = null!;
    public Event<IncrementCounter> Incremented { get; private set; } = null!;
    public Event<StartCounterEagerly> StartedEagerly { get; private set; } = null!;
    public Event<BumpCountersAtLeast> Bumped { get; private set; } = null!;

    public CounterStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Started, e => e.CorrelateById(m => m.Message.CounterId));
        Event(() => Incremented, e => e.CorrelateById(m => m.Message.CounterId));
        Event(() => StartedEagerly, e =>
        {
            e.CorrelateById(m => m.Message.CounterId);
            e.InsertOnInitial = true;
            e.SetSagaFactory(m => new CounterState { CorrelationId = m.Message.CounterId });
        });
        Event(() => Bumped, e => e.CorrelateBy((saga, m) => saga.Count >= m.Message.AtLeast));

        Initially(
            When(Started)
                .ThenAsync(async c =>
                {
                    c.Saga.Starts++;
                    CountRetry(c);
                    if (c.TryGetPayload<IServiceProvider>(out var services) && services.GetService<IStartRace>() is { } race)
                        await race.BeforeFirstSave(c.Saga.CorrelationId);
                })
                .TransitionTo(Counting),
            When(StartedEagerly)
                .Then(c =>
                {
                    c.Saga.Starts++;
                    CountRetry(c);
                })
                .TransitionTo(Counting));

        During(Counting,
            When(Started).Then(c =>
            {
                c.Saga.Starts++;
                CountRetry(c);
            }),
            When(StartedEagerly).Then(c =>
            {
                c.Saga.Starts++;
                CountRetry(c);
            }),
            When(Bumped).Then(c => c.Saga.Count += c.Message.By),
            When(Incremented)
                .Then(c =>
                {
                    c.Saga.Count++;
                    CountRetry(c);
                })
                .Publish(c => new CounterIncremented(c.Saga.CorrelationId, c.Saga.Count))
                .If(c => c.Message.FailAfterPublish, fail => fail.Then(c =>
                    throw new InvalidOperationException($"Counter {c.Saga.CorrelationId} was told to fail"))));
    }

    static void CountRetry(SagaConsumeContext<CounterState> context)
    {
        if (context.GetRetryAttempt() > 0)
            context.Saga.AppliedOnRetry++;
    }
}
