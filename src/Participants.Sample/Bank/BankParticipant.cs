using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Outbox;
using Transactions.Participants.Sample.Hosting;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Sample.Bank.Persistence;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Participants.Sample.Bank;

/// <summary>
/// The bank: accounts in its own database (<c>ConnectionStrings:Bank</c>), the debit and credit branches of
/// transfers behind the TCC barrier, and the accounts API.
/// </summary>
public sealed class BankParticipant : IParticipantModule
{
    public const string ConnectionName = "Bank";

    public const string DebitEndpoint = "bank-debit";
    public const string CreditEndpoint = "bank-credit";
    public const string ViewEndpoint = "bank-transfer-views";

    public string Name => "bank";

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddPostgresDbContext<BankDbContext>(ConnectionName);
        builder.Services.AddScoped<BankBranches>();
        builder.Services.AddHostedService<BarrierCleanup>();
        builder.Services.TryAddSingleton(TimeProvider.System);
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // Each message in flight holds a pooled database connection for its transaction: two endpoints of 12 leave
        // room in the smallest pool we run with (40) for the outbox delivery, its listener and the API.
        bus.AddConsumer<DebitConsumer>().Endpoint(e => { e.Name = DebitEndpoint; e.ConcurrentMessageLimit = 12; });
        bus.AddConsumer<CreditConsumer>().Endpoint(e => { e.Name = CreditEndpoint; e.ConcurrentMessageLimit = 12; });
        bus.AddConsumer<TransferViewConsumer>().Endpoint(e => { e.Name = ViewEndpoint; e.ConcurrentMessageLimit = 2; });
        // Each branch's barrier row, balance change, inbox row and reply commit in one local transaction, shared with
        // the other branches ready at the same time (group commit): one commit for many messages under load.
        bus.AddPostgresOutbox<BankDbContext>();
        bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
        {
            if (name is DebitEndpoint or CreditEndpoint)
                endpoint.UsePostgresOutbox<BankDbContext>(context, groupCommit: true);
        });
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAccountEndpoints();
}
