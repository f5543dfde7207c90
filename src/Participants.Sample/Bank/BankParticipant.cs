using MassTransit;
using Transactions.Participants.Hosting;
using Transactions.Participants.Sample.Hosting;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Sample.Bank.Persistence;

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

    /// <summary>
    /// Each message in flight holds a pooled database connection for its transaction: two branch endpoints of 12 leave
    /// room in the smallest pool we run with (40) for the outbox delivery, its listener and the API.
    /// </summary>
    const int BranchConcurrency = 12;

    public string Name => "bank";

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddTccParticipant<BankDbContext>(ConnectionName);
        builder.Services.AddScoped<BankBranches>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // Each branch's barrier row, balance change, inbox row and reply commit in one local transaction, shared with
        // the other branches ready at the same time (group commit): one commit for many messages under load.
        bus.AddTccBranch<DebitConsumer, BankDbContext>(DebitEndpoint, BranchConcurrency, groupCommit: true);
        bus.AddTccBranch<CreditConsumer, BankDbContext>(CreditEndpoint, BranchConcurrency, groupCommit: true);
        // Read-only, so it needs neither inbox nor outbox.
        bus.AddConsumer<TransferViewConsumer>().Endpoint(e => { e.Name = ViewEndpoint; e.ConcurrentMessageLimit = 2; });
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAccountEndpoints();
}
