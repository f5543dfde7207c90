using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Outbox.Sagas;

namespace Transactions.UnitTests.Sagas;

public sealed class PostgresSagaRepositoryRegistrationTests
{
    public sealed class TrackedState : ITrackedSaga
    {
        public Guid CorrelationId { get; set; }
        public string CurrentState { get; set; } = "";
        public int Version { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
    }

    public sealed class UntrackedState : SagaStateMachineInstance
    {
        public Guid CorrelationId { get; set; }
        public string CurrentState { get; set; } = "";
    }

    public sealed record Begin(Guid Id);

    public sealed class TrackedMachine : MassTransitStateMachine<TrackedState>
    {
        public Event<Begin> Began { get; private set; } = null!;

        public TrackedMachine()
        {
            InstanceState(x => x.CurrentState);
            Event(() => Began, e => e.CorrelateById(m => m.Message.Id));
            Initially(When(Began).Finalize());
        }
    }

    public sealed class UntrackedMachine : MassTransitStateMachine<UntrackedState>
    {
        public Event<Begin> Began { get; private set; } = null!;

        public UntrackedMachine()
        {
            InstanceState(x => x.CurrentState);
            Event(() => Began, e => e.CorrelateById(m => m.Message.Id));
            Initially(When(Began).Finalize());
        }
    }

    sealed class SagasDbContext(DbContextOptions<SagasDbContext> options) : DbContext(options);

    [Fact]
    public void Registration_provides_the_query_side_mass_transit_repositories_and_a_clock()
    {
        var services = new ServiceCollection();
        services.AddMassTransit(x => x.AddSagaStateMachine<TrackedMachine, TrackedState>().PostgresRepository<SagasDbContext>());

        Assert.Contains(services, d => d.ServiceType == typeof(ISagaQueries<TrackedState>) && d.Lifetime == ServiceLifetime.Scoped);
        Assert.Contains(services, d => d.ServiceType == typeof(ILoadSagaRepository<TrackedState>));
        Assert.Contains(services, d => d.ServiceType == typeof(IQuerySagaRepository<TrackedState>));
        Assert.Contains(services, d => d.ServiceType == typeof(TimeProvider));
    }

    public interface ISecondBus : IBus;

    [Fact]
    public void A_saga_on_a_bus_of_its_own_gets_the_repository_too()
    {
        var services = new ServiceCollection();
        services.AddMassTransit<ISecondBus>(x =>
            x.AddSagaStateMachine<TrackedMachine, TrackedState>().PostgresRepository<SagasDbContext>());

        Assert.Contains(services, d => d.ServiceType == typeof(ISagaQueries<TrackedState>));
    }

    [Fact]
    public void An_application_clock_registered_first_is_kept()
    {
        var services = new ServiceCollection();
        var clock = new FixedClock();
        services.AddSingleton<TimeProvider>(clock);
        services.AddMassTransit(x => x.AddSagaStateMachine<TrackedMachine, TrackedState>().PostgresRepository<SagasDbContext>());

        Assert.Same(clock, Assert.Single(services, d => d.ServiceType == typeof(TimeProvider)).ImplementationInstance);
    }

    [Fact]
    public void A_saga_without_tracking_columns_is_refused_at_registration_naming_it()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ConfigurationException>(() => services.AddMassTransit(x =>
            x.AddSagaStateMachine<UntrackedMachine, UntrackedState>().PostgresRepository<SagasDbContext>()));
        Assert.Contains(nameof(UntrackedState), error.Message);
        Assert.Contains(nameof(ITrackedSaga), error.Message);
    }

    [Theory]
    [InlineData(nameof(PostgresSagaRepositoryOptions.RetryLimit))]
    [InlineData(nameof(PostgresSagaRepositoryOptions.MinInterval))]
    [InlineData(nameof(PostgresSagaRepositoryOptions.MaxInterval))]
    [InlineData(nameof(PostgresSagaRepositoryOptions.IntervalDelta))]
    public void An_out_of_range_retry_setting_is_refused_naming_it(string setting)
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddMassTransit(x =>
            x.AddSagaStateMachine<TrackedMachine, TrackedState>().PostgresRepository<SagasDbContext>(o =>
            {
                switch (setting)
                {
                    case nameof(o.RetryLimit): o.RetryLimit = 0; break;
                    case nameof(o.MinInterval): o.MinInterval = TimeSpan.Zero; break;
                    case nameof(o.MaxInterval): o.MaxInterval = TimeSpan.FromMilliseconds(1); break;
                    case nameof(o.IntervalDelta): o.IntervalDelta = TimeSpan.FromMilliseconds(-1); break;
                }
            })));
        Assert.Equal(setting, error.ParamName);
    }

    sealed class FixedClock : TimeProvider;
}
