using System.Net.Http.Json;
using System.Text.Json;
using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Participants.Sample;

namespace Transactions.IntegrationTests.BankTransfers;

/// <summary>
/// The coordinator and the bank participant, in-process, on the test class's vhost with databases of their own.
/// Either can be stopped and started again on the same databases, as a restarted process would be.
/// </summary>
public sealed class BankTransferSystem : IAsyncDisposable
{
    static int _instances;

    readonly Dictionary<string, string?> _coordinatorSettings;
    ServiceHost<CoordinatorAssembly>? _coordinator;
    ServiceHost<ParticipantsAssembly>? _bank;

    BankTransferSystem(Dictionary<string, string?> coordinatorSettings, Dictionary<string, string?> bankSettings)
    {
        _coordinatorSettings = coordinatorSettings;
        BankSettings = bankSettings;
    }

    /// <summary>The bank's settings, also for running it as a process of its own.</summary>
    public Dictionary<string, string?> BankSettings { get; }

    public string BankConnectionString => BankSettings["ConnectionStrings:Bank"]!;

    public HttpClient Coordinator { get; private set; } = null!;
    public HttpClient Bank { get; private set; } = null!;

    public IServiceProvider CoordinatorServices => _coordinator!.Services;

    /// <param name="configureCoordinator">Adjusts the coordinator's settings after the defaults below.</param>
    public static async Task<BankTransferSystem> StartAsync(IsolatedServices services, bool startBank = true,
        TimeSpan? tryTimeout = null, Action<Dictionary<string, string?>>? configureCoordinator = null)
    {
        var n = Interlocked.Increment(ref _instances);
        var coordinator = services.BrokerSettings();
        coordinator["ConnectionStrings:Coordinator"] = await services.CreateDatabaseAsync($"coordinator{n}");
        coordinator["Database:MigrateOnStartup"] = "true";
        coordinator["BankTransfers:TryTimeout"] = (tryTimeout ?? TimeSpan.FromSeconds(20)).ToString();
        coordinator["BankTransfers:RetryInitialDelay"] = "00:00:00.500";
        coordinator["BankTransfers:RetryMaxDelay"] = "00:00:02";
        coordinator["SagaDeadlines:PollInterval"] = "00:00:00.200";
        coordinator["SagaDeadlines:ResendAfter"] = "00:00:02";
        coordinator["Outbox:PollingInterval"] = "00:00:00.500";
        configureCoordinator?.Invoke(coordinator);

        var system = new BankTransferSystem(coordinator, await BankSettingsAsync(services, $"bank{n}"));
        await system.StartCoordinatorAsync();
        if (startBank)
            await system.StartBankAsync();
        return system;
    }

    /// <summary>
    /// Settings of a host running the bank alone, on the class's vhost and a new database named
    /// <paramref name="database"/>, in-process or as a process of its own.
    /// </summary>
    public static async Task<Dictionary<string, string?>> BankSettingsAsync(IsolatedServices services, string database)
    {
        var bank = await services.ParticipantSettingsAsync("bank", database);
        bank["Outbox:PollingInterval"] = "00:00:00.500";
        return bank;
    }

    /// <summary>Starts the coordinator and waits until its endpoints are bound, so nothing published is unrouted.</summary>
    public async Task StartCoordinatorAsync()
    {
        _coordinator = new ServiceHost<CoordinatorAssembly>(_coordinatorSettings);
        Coordinator = _coordinator.CreateClient();
        await Eventually.Ready(Coordinator, "the coordinator");
    }

    public async Task StopCoordinatorAsync()
    {
        Coordinator.Dispose();
        await _coordinator!.DisposeAsync();
        _coordinator = null;
    }

    public async Task StartBankAsync()
    {
        _bank = new ServiceHost<ParticipantsAssembly>(BankSettings);
        Bank = _bank.CreateClient();
        await Eventually.Ready(Bank, "the bank");
    }

    public async Task StopBankAsync()
    {
        Bank.Dispose();
        await _bank!.DisposeAsync();
        _bank = null;
    }

    public async Task OpenAccountAsync(string id, decimal balance, string currency = "EUR")
    {
        using var response = await Bank.PostAsJsonAsync("/api/accounts",
            new { accountId = id, currency, initialBalance = balance });
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement> AccountAsync(string id) =>
        await Bank.GetFromJsonAsync<JsonElement>($"/api/accounts/{id}");

    /// <summary>Asserts the account holds <paramref name="available"/> and nothing frozen or pending.</summary>
    public async Task AssertSettledAsync(string account, decimal available)
    {
        var a = await AccountAsync(account);
        Assert.Equal((available, 0m, 0m), (a.GetProperty("available").GetDecimal(), a.GetProperty("frozen").GetDecimal(),
            a.GetProperty("pendingCredit").GetDecimal()));
    }

    /// <summary>Starts a transfer over REST and returns the saga id from the 202 answer.</summary>
    public async Task<Guid> StartTransferAsync(string from, string to, decimal amount, Guid? transferId = null)
    {
        using var response = await Coordinator.PostAsJsonAsync("/api/bank-transfers",
            new { transferId, fromAccount = from, toAccount = to, amount, currency = "EUR" });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var sagaId = body.GetProperty("sagaId").GetGuid();
        Assert.Equal($"/api/sagas/{sagaId}", response.Headers.Location?.ToString());
        return sagaId;
    }

    /// <summary>The saga as GET /api/sagas/{id} shows it once terminal.</summary>
    public Task<JsonElement> TerminalSagaAsync(Guid sagaId, TimeSpan? timeout = null) =>
        SagaApi.UntilAsync(Coordinator, sagaId, saga => saga.GetProperty("isTerminal").GetBoolean(),
            timeout ?? TimeSpan.FromSeconds(45), "is terminal");

    public async ValueTask DisposeAsync()
    {
        if (_bank is not null)
            await StopBankAsync();
        if (_coordinator is not null)
            await StopCoordinatorAsync();
    }
}
