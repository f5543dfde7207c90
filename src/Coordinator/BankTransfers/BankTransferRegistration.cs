using MassTransit;
using Transactions.Contracts.BankTransfers;
using Transactions.Coordinator.Deadlines;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.SagaActions;
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
        bus.AddSagaWorkflow<BankTransferState>(Workflow, BankTransferActions.Describe, nameof(BankTransferStateMachine.Completed),
            nameof(BankTransferStateMachine.Cancelled), nameof(BankTransferStateMachine.NeedsAttention),
            nameof(BankTransferStateMachine.Resolved));
        // Bounded like the bank's endpoints: each message in flight holds a pooled connection for its transaction.
        bus.AddSagaStateMachine<BankTransferStateMachine, BankTransferState>()
            .Endpoint(e => { e.Name = EndpointName; e.ConcurrentMessageLimit = 16; })
            .PostgresRepository<CoordinatorDbContext>();
        bus.AddConfigureEndpointsCallback((_, name, endpoint) =>
        {
            if (name != EndpointName)
                return;
            // Malformed messages are turned away before they take a place in a partition.
            BankTransferMessageRules.Apply(endpoint);
            PartitionByTransfer(endpoint);
        });
        // Reconciliation asks the bank for its view of finished transfers (the business check).
        bus.AddRequestClient<GetBankTransferViews>(new Uri("queue:bank-transfer-views"), RequestTimeout.After(s: 30));
        return bus;
    }

    public const string EndpointName = "bank-transfer-state";

    /// <summary>
    /// Messages of one transfer are handled one at a time in this process (the two Try answers usually arrive
    /// together), so they queue in memory instead of racing to save the same saga row and retrying on the conflict.
    /// </summary>
    static void PartitionByTransfer(IReceiveEndpointConfigurator endpoint)
    {
        var partitioner = endpoint.CreatePartitioner(16);
        endpoint.UsePartitioner<StartBankTransfer>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<DebitTried>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<CreditTried>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<DebitRefused>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<CreditRefused>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<DebitConfirmed>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<CreditConfirmed>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<DebitCancelled>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<CreditCancelled>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<DebitConfirmRefused>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<CreditConfirmRefused>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<DebitCancelRefused>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<CreditCancelRefused>(partitioner, c => c.Message.TransferId);
        endpoint.UsePartitioner<DeadlineExpired>(partitioner, c => c.Message.SagaId);
        endpoint.UsePartitioner<RetrySagaStep>(partitioner, c => c.Message.SagaId);
        endpoint.UsePartitioner<CompensateSaga>(partitioner, c => c.Message.SagaId);
        endpoint.UsePartitioner<ResolveSaga>(partitioner, c => c.Message.SagaId);
    }
}
