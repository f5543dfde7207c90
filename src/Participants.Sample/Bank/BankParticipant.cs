using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    public string Name => "bank";

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddPostgresDbContext<BankDbContext>(ConnectionName);
        builder.Services.AddScoped<BankBranches>();
        builder.Services.TryAddSingleton(TimeProvider.System);
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DebitConsumer>();
        bus.AddConsumer<CreditConsumer>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAccountEndpoints();
}
