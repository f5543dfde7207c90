using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// A deliberately broken participant for the conformance kit to find out: the bank's debit messages on a queue of
/// its own, its own table, no TCC barrier (<see cref="NoBarrierConsumer"/>), and <c>GET /accounts/{id}</c> as the
/// probe. It listens on a real port, since the kit reaches it as any user's service, over HTTP.
/// </summary>
public sealed class NoBarrierParticipant : IAsyncDisposable
{
    public const string Queue = "no-barrier-debit";

    readonly WebApplication _app;

    NoBarrierParticipant(WebApplication app, int port)
    {
        _app = app;
        ProbeUrl = $"http://127.0.0.1:{port}/accounts/{{resource}}";
    }

    public string ProbeUrl { get; }

    public static async Task<NoBarrierParticipant> StartAsync(IsolatedServices services, string account, decimal balance)
    {
        var ledger = new NoBarrierLedger(await services.CreateDatabaseAsync("nobarrier"));
        await ledger.CreateAsync(account, balance);

        var port = ServiceProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(ledger);
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<NoBarrierConsumer>().Endpoint(e => e.Name = Queue);
            x.UsingRabbitMq((context, cfg) =>
            {
                services.ConfigureHost(cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        var app = builder.Build();
        app.MapGet("/accounts/{id}", async (string id, NoBarrierLedger books) =>
            await books.AccountAsync(id) is { } found ? Results.Ok(found) : Results.NotFound());
        await app.StartAsync();

        // The queue must be bound before the kit looks for it.
        var status = await app.Services.GetRequiredService<IBusControl>()
            .WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        Assert.Equal(BusHealthStatus.Healthy, status);
        return new NoBarrierParticipant(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
