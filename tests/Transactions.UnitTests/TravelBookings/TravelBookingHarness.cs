using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Contracts.TravelBookings;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.SagaActions;
using Transactions.Coordinator.TravelBookings;
using Transactions.UnitTests.Testing;

namespace Transactions.UnitTests.TravelBookings;

/// <summary>The travel booking saga on MassTransit's in-memory test harness, with scripted participants.</summary>
public sealed class TravelBookingHarness : IAsyncDisposable
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    public const int ReserveAttempts = 2;
    public const int CancelAttempts = 3;

    readonly ServiceProvider _provider;

    public TravelBookingHarness()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TravelBookings:StepTimeout"] = StepTimeout.ToString(),
            ["TravelBookings:ReserveAttempts"] = ReserveAttempts.ToString(),
            ["TravelBookings:CancelAttempts"] = CancelAttempts.ToString(),
        }).Build();
        _provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton(Script)
            .AddScoped(_ => AuditContext())
            .AddMassTransitTestHarness(x =>
            {
                x.AddTravelBookings(saga => saga.InMemoryRepository());
                x.AddConsumer<ScriptedFlights>().Endpoint(e => e.Name = TravelBookingQueues.Flights);
                x.AddConsumer<ScriptedHotels>().Endpoint(e => e.Name = TravelBookingQueues.Hotels);
                x.AddConsumer<ScriptedCars>().Endpoint(e => e.Name = TravelBookingQueues.Cars);
            })
            .BuildServiceProvider(true);
        Harness = _provider.GetRequiredService<ITestHarness>();
        Machine = _provider.GetRequiredService<TravelBookingStateMachine>();
        Saga = Harness.GetSagaStateMachineHarness<TravelBookingStateMachine, TravelBookingState>();
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));
    public ParticipantScript Script { get; } = new();
    public ITestHarness Harness { get; }
    public TravelBookingStateMachine Machine { get; }
    public ISagaStateMachineTestHarness<TravelBookingStateMachine, TravelBookingState> Saga { get; }

    public Task StartAsync() => Harness.Start();

    /// <summary>The audit records of the actions a test asked for, which the saga completes as it handles them.</summary>
    public List<SagaActionRecord> Actions { get; } = [];

    /// <summary>
    /// A context that already tracks <see cref="Actions"/>, so the saga finds and completes them there; it never
    /// connects, since the in-memory saga repository saves nothing.
    /// </summary>
    CoordinatorDbContext AuditContext()
    {
        var db = new CoordinatorDbContext(new DbContextOptionsBuilder<CoordinatorDbContext>()
            .UseNpgsql("Host=unused.invalid").Options);
        lock (Actions)
            foreach (var record in Actions)
                db.Attach(record);
        return db;
    }

    /// <summary>Asks the saga for an operator's action, as the API does, and waits until the saga has consumed it.</summary>
    public async Task<SagaActionRecord> ActAsync(Guid bookingId, string action, string reason)
    {
        var record = new SagaActionRecord { ActionId = NewId.NextGuid(), SagaId = bookingId, Action = action, Reason = reason };
        lock (Actions)
            Actions.Add(record);
        var command = SagaActionNames.Commands[action];
        await Harness.Bus.Publish(command.Create(bookingId, record.ActionId, "ops-test", reason), command.Type);
        await Saga.Consumed.ConsumedAsync<ISagaActionCommand>(c => c.ActionId == record.ActionId);
        return record;
    }

    /// <summary>
    /// Books a trip whose <paramref name="refused"/> step is refused and whose <paramref name="unconfirmed"/>
    /// cancellation is never answered, and lets every cancel deadline pass: the booking then needs attention.
    /// </summary>
    public async Task<TravelBookingState> NeedingAttentionAsync(Guid bookingId, string refused, string unconfirmed)
    {
        Script.Refuse.Add(refused);
        Script.SilentOnCancel.Add(unconfirmed);
        await BookAsync(bookingId);
        await InStateAsync(bookingId, Machine.GetState($"Cancelling{char.ToUpperInvariant(unconfirmed[0])}{unconfirmed[1..]}"));
        for (var attempt = 1; attempt <= CancelAttempts; attempt++)
            await ExpireDeadlineAsync(bookingId);
        var saga = await InStateAsync(bookingId, Machine.NeedsAttention);
        // The last cancel may still be on its way to the script: a test counts the commands from here on.
        await EveryCommandReachedTheScriptAsync();
        return saga;
    }

    /// <summary>Waits until the scripted participants have received every command the saga sent them.</summary>
    public async Task EveryCommandReachedTheScriptAsync()
    {
        string[] queues = [TravelBookingQueues.Flights, TravelBookingQueues.Hotels, TravelBookingQueues.Cars];
        int Sent() => Harness.Sent.SoFar(m => queues.Contains(m.Context.DestinationAddress?.AbsolutePath.TrimStart('/')))
            .Count;
        await Eventually.Until(() => Task.FromResult(Script.Commands.Count >= Sent()), TimeSpan.FromSeconds(10),
            "the script received every command sent");
    }

    public static StartTravelBooking Trip(Guid bookingId) => new(bookingId,
        "TX100", new DateOnly(2030, 2, 1), 2, "grand-hotel", new DateOnly(2030, 2, 1), 3,
        "LIS", "compact", new DateOnly(2030, 2, 1), 3);

    public Task BookAsync(Guid bookingId) => Harness.Bus.Publish(Trip(bookingId));

    /// <summary>Waits until the saga is in <paramref name="state"/> and returns it.</summary>
    public async Task<TravelBookingState> InStateAsync(Guid bookingId, State state)
    {
        Assert.True((await Saga.Exists(bookingId, state)).HasValue,
            $"Booking {bookingId} did not reach {state.Name}; it is in {Saga.Sagas.Contains(bookingId)?.CurrentState}.");
        return Saga.Sagas.Contains(bookingId);
    }

    /// <summary>Lets the current deadline pass and delivers its expiry, as the deadline driver would.</summary>
    public async Task ExpireDeadlineAsync(Guid bookingId)
    {
        var deadline = Saga.Sagas.Contains(bookingId).DeadlineAt
                       ?? throw new InvalidOperationException("The saga waits on no deadline.");
        Clock.Now = deadline;
        await Harness.Bus.Publish(new DeadlineExpired(bookingId, deadline));
        await Saga.Consumed.ConsumedAsync<DeadlineExpired>(m => m.SagaId == bookingId && m.DeadlineAt == deadline);
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
