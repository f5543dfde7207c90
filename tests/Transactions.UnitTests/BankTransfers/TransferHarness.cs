using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transactions.Contracts.BankTransfers;
using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.SagaActions;
using Transactions.Coordinator.Sagas;
using Transactions.UnitTests.Testing;

namespace Transactions.UnitTests.BankTransfers;

/// <summary>The bank transfer state machine on MassTransit's in-memory test harness, with a hand-moved clock.</summary>
public sealed class TransferHarness : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    public ManualTime Time { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<BankTransferStateMachine, BankTransferState> Saga { get; }
    public BankTransferStateMachine Machine => Saga.StateMachine;

    TransferHarness()
    {
        _provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .Configure<BankTransferOptions>(o =>
            {
                o.TryTimeout = TimeSpan.FromSeconds(30);
                o.RetryInitialDelay = TimeSpan.FromSeconds(2);
                o.RetryMaxDelay = TimeSpan.FromSeconds(10);
            })
            .AddMassTransitTestHarness(x =>
                x.AddSagaStateMachine<BankTransferStateMachine, BankTransferState>().InMemoryRepository())
            .BuildServiceProvider(true);
        Harness = _provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<BankTransferStateMachine, BankTransferState>();
    }

    public static async Task<TransferHarness> StartAsync()
    {
        var harness = new TransferHarness();
        await harness.Harness.Start();
        return harness;
    }

    /// <summary>Starts a valid transfer and waits until both Trys are out.</summary>
    public async Task<BankTransferState> StartTransferAsync(Guid transferId)
    {
        await Harness.Bus.Publish(new StartBankTransfer(transferId, "alice", "bob", 25.50m, "EUR"));
        Assert.NotNull(await Saga.Exists(transferId, m => m.Trying));
        await PublishedAsync<TryDebit>(m => m.TransferId == transferId);
        await PublishedAsync<TryCredit>(m => m.TransferId == transferId);
        return Instance(transferId);
    }

    public BankTransferState Instance(Guid id) => Saga.Sagas.Contains(id) ?? throw new InvalidOperationException("no saga");

    /// <summary>Publishes <paramref name="message"/> and waits until the saga consumed it.</summary>
    public async Task DeliverAsync<T>(T message) where T : class
    {
        await Harness.Bus.Publish(message);
        await Harness.Consumed.ConsumedAsync<T>(m => ReferenceEquals(m, message) || Equals(m, message));
    }

    /// <summary>Waits until a <typeparamref name="T"/> that <paramref name="match"/> accepts was published.</summary>
    public Task<T> PublishedAsync<T>(Func<T, bool> match) where T : class => Harness.Published.PublishedAsync(match);

    /// <summary>How many were published so far; never waits.</summary>
    public int PublishedCount<T>(Func<T, bool> match) where T : class => Harness.Published.PublishedSoFar(match).Count;

    /// <summary>The manual actions the saga's current state allows, as the saga API lists them.</summary>
    public IReadOnlyList<string> AllowedActions(Guid id) =>
        new SagaActionRules(_provider).Allowed(
            new SagaWorkflow("bank-transfer", typeof(BankTransferState), new HashSet<string>(), (_, _) => ""), Instance(id));

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}
