using MassTransit;

namespace Transactions.ServiceDefaults.Messaging;

/// <summary>
/// Declares the queues of this service's endpoints as quorum queues; MassTransit declares each endpoint's
/// <c>_error</c> and <c>_skipped</c> queues with the endpoint's queue arguments, so they are quorum queues too. A queue
/// declared with another type than it has is refused by the broker, so a classic queue of an older install keeps its
/// endpoint from starting until it is drained and deleted (README, Running in production) rather than staying
/// unreplicated unnoticed.
/// </summary>
static class QuorumQueues
{
    /// <summary>
    /// An endpoint's own queue. Only endpoints that <c>ConfigureEndpoints</c> makes pass here: durable ones; the bus's
    /// temporary queue (auto-deleted, which a quorum queue cannot be) does not.
    /// </summary>
    public static void Declare(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.SetQuorumQueue();
    }
}
