using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.SagaActions;
using Transactions.IntegrationTests.TravelBookings;
using Transactions.Participants.Sample;

namespace Transactions.IntegrationTests.Dashboard;

/// <summary>
/// The coordinator on a real loopback port (a browser cannot reach an in-memory test server), the bank participant,
/// and headless Debian Chromium driven by Playwright. The coordinator knows two keys: an operator's with every role
/// and a reader's, and reads need a key, so the dashboard's key handling is exercised.
/// </summary>
public sealed class DashboardSystem : IAsyncLifetime
{
    public static readonly ApiKey Operator =
        new("ops-alice", "dashboard-operator-key-0123456789abcdef", "starter", "operator", "reader");
    public static readonly ApiKey Reader = new("auditor", "dashboard-reader-key-0123456789abcdef", "reader");
    const string Chromium = "/usr/bin/chromium";

    ServiceHost<CoordinatorAssembly>? _coordinator;
    ServiceHost<ParticipantsAssembly>? _bank;
    IPlaywright? _playwright;
    IBrowser? _browser;

    public IsolatedServices Services { get; } = new();

    /// <summary>The coordinator's address, for example http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The API over real HTTP with the operator's key.</summary>
    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Services.InitializeAsync();
        var coordinator = Services.BrokerSettings();
        coordinator["ConnectionStrings:Coordinator"] = await Services.CreateDatabaseAsync("coordinator");
        coordinator["Database:MigrateOnStartup"] = "true";
        // Sagas whose participant is down stay where they are while the tests run: only the tests move them on.
        coordinator["BankTransfers:TryTimeout"] = "00:05:00";
        coordinator["TravelBookings:StepTimeout"] = "00:05:00";
        coordinator["Outbox:PollingInterval"] = "00:00:00.500";
        // Runs come from the tests only; finished transfers are not checked against a bank that may be stopped.
        coordinator["Reconciliation:ScheduleEnabled"] = "false";
        coordinator["Reconciliation:BusinessCheckWindow"] = "00:00:01";
        Operator.AddTo(coordinator, 0);
        Reader.AddTo(coordinator, 1);

        _coordinator = new ServiceHost<CoordinatorAssembly>(coordinator);
        _coordinator.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _coordinator.StartServer();
        var address = _coordinator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        Api = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Api.DefaultRequestHeaders.Add(TestApiKey.Header, Operator.Key);
        await Eventually.Ready(Api, "the coordinator");

        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"The dashboard tests drive Debian's chromium at {Chromium}: run " +
                "scripts/test.sh, which installs it, or 'apt-get install chromium'.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        // The machine runs other test classes at once: pages may take a while to show what the server answered.
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A fresh browser tab (its own session storage) on the dashboard, with <paramref name="key"/> entered.</summary>
    public async Task<IPage> OpenDashboardAsync(ApiKey? key, string route = "")
    {
        var context = await _browser!.NewContextAsync(new() { BaseURL = BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard/" + route);
        if (key is not null)
        {
            await page.GetByLabel("API key").FillAsync(key.Key);
            await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        }
        return page;
    }

    public async Task StartBankAsync()
    {
        var bank = Services.BrokerSettings();
        bank["ConnectionStrings:Bank"] = await Services.CreateDatabaseAsync("bank_" + Guid.NewGuid().ToString("N")[..6]);
        bank["Database:MigrateOnStartup"] = "true";
        bank["Participants:Enabled:0"] = "bank";
        bank["Outbox:PollingInterval"] = "00:00:00.500";
        _bank = new ServiceHost<ParticipantsAssembly>(bank);
        var client = _bank.CreateClient();
        await Eventually.Ready(client, "the bank");
        foreach (var (account, balance) in new[] { ("alice", 1000m), ("bob", 0m) })
            (await client.PostAsJsonAsync("/api/accounts", new { accountId = account, currency = "EUR", initialBalance = balance }))
                .EnsureSuccessStatusCode();
    }

    public async Task StopBankAsync()
    {
        await _bank!.DisposeAsync();
        _bank = null;
    }

    public async Task<Guid> StartTransferAsync(decimal amount)
    {
        using var response = await Api.PostAsJsonAsync("/api/bank-transfers",
            new { fromAccount = "alice", toAccount = "bob", amount, currency = "EUR" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sagaId").GetGuid();
    }

    /// <summary>Starts a travel booking; with no travel participant running it waits in BookingFlight.</summary>
    public async Task<Guid> StartTravelBookingAsync()
    {
        var trip = Trip.New();
        using var response = await Api.PostAsJsonAsync("/api/travel-bookings", trip.Request());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return trip.BookingId;
    }

    public Task<JsonElement> InStateAsync(Guid sagaId, string state) => SagaActionApi.InStateAsync(Api, sagaId, state);

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_bank is not null)
            await _bank.DisposeAsync();
        Api?.Dispose();
        if (_coordinator is not null)
            await _coordinator.DisposeAsync();
        await Services.DisposeAsync();
    }
}

/// <summary>An API key the coordinator knows, by the name its audit log shows as the actor.</summary>
public sealed record ApiKey(string Name, string Key, params string[] Roles)
{
    public void AddTo(Dictionary<string, string?> settings, int index)
    {
        settings[$"Security:ApiKeys:{index}:Name"] = Name;
        settings[$"Security:ApiKeys:{index}:Key"] = Key;
        for (var i = 0; i < Roles.Length; i++)
            settings[$"Security:ApiKeys:{index}:Roles:{i}"] = Roles[i];
    }
}
