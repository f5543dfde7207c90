using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Sagas;
using Transactions.Outbox.Sagas;
using Transactions.ServiceDefaults.Configuration;

namespace Transactions.Coordinator.BankTransfers;

public static class BankTransferRegistration
{
    public const string Workflow = "bank-transfer";

    /// <summary>
    /// The bank transfer workflow: its state machine on endpoint <c>bank-transfer-state</c>, its options
    /// (<c>BankTransfers</c> section) and its registration for the saga API and the deadline job.
    /// </summary>
    public static IBusRegistrationConfigurator AddBankTransfers(this IBusRegistrationConfigurator bus)
    {
        bus.AddValidatedOptions<BankTransferOptions>(BankTransferOptions.Section);
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddSagaWorkflow<BankTransferState>(Workflow, nameof(BankTransferStateMachine.Completed),
            nameof(BankTransferStateMachine.Cancelled));
        bus.AddSagaStateMachine<BankTransferStateMachine, BankTransferState>()
            .PostgresRepository<CoordinatorDbContext>();
        return bus;
    }
}
