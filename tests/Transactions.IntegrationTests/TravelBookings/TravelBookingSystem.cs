using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Coordinator;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.TravelBookings;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Sagas;
using Transactions.Participants.Sample;

namespace Transactions.IntegrationTests.TravelBookings;

/// <summary>
/// The coordinator and the flights, hotels and cars participants, each participant a host of its own so a test can
/// stop one, on the class's own vhost and databases. Flight <see cref="RefusedFlight"/> and car class
/// <see cref="RefusedCarClass"/> are refused by fault injection.
/// </summary>
public class TravelBookingSystem : IAsyncLifetime
{
    public const string RefusedFlight = "XX999";
    public const string RefusedCarClass = "refused-class";
    public static readonly string[] Participants = ["flights", "hotels", "cars"];
    static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    readonly Dictionary<string, ServiceHost<ParticipantsAssembly>> _participants = [];
    readonly Dictionary<string, string?> _participantSettings = [];
    Dictionary<string, string?> _coordinatorSettings = [];
    ServiceHost<CoordinatorAssembly>? _coordinator;

    public IsolatedServices Services { get; } = new();
    public HttpClient Api { get; private set; } = null!;

    /// <summary>The participants run as .NET hosts; a variant may serve a step with a participant of its own.</summary>
    protected virtual IReadOnlyList<string> DotNetParticipants => Participants;

    public virtual async Task InitializeAsync()
    {
        await Services.InitializeAsync();
        foreach (var (key, value) in Services.BrokerSettings())
            _participantSettings[key] = value;
        _participantSettings["Database:MigrateOnStartup"] = "true";
        _participantSettings["Flights:FaultInjection:RefuseMatching:0"] = RefusedFlight;
        _participantSettings["Cars:FaultInjection:RefuseMatching:0"] = RefusedCarClass;
        foreach (var name in DotNetParticipants)
            _participantSettings[$"ConnectionStrings:{char.ToUpperInvariant(name[0])}{name[1..]}"] =
                await Services.CreateDatabaseAsync(name);

        var coordinator = Services.BrokerSettings();
        coordinator["ConnectionStrings:Coordinator"] = await Services.CreateDatabaseAsync("coordinator");
        coordinator["Database:MigrateOnStartup"] = "true";
        Configure(_participantSettings, coordinator);
        _coordinatorSettings = coordinator;
        await StartCoordinatorAsync();
        foreach (var name in DotNetParticipants)
            await StartParticipantAsync(name);
    }

    /// <summary>Settings a variant of the system adds to the participants' and the coordinator's.</summary>
    protected virtual void Configure(Dictionary<string, string?> participants, Dictionary<string, string?> coordinator)
    {
    }

    public async Task StartCoordinatorAsync()
    {
        _coordinator = new ServiceHost<CoordinatorAssembly>(_coordinatorSettings);
        Api = _coordinator.CreateClient();
        await Eventually.Ready(Api, "coordinator", Startup);
    }

    /// <summary>Tears the coordinator down, as if its process stopped: replies wait in its queue meanwhile.</summary>
    public async Task StopCoordinatorAsync()
    {
        await _coordinator!.DisposeAsync();
        _coordinator = null;
    }

    /// <summary>A client of a participant's REST API ("flights", "hotels", "cars").</summary>
    public virtual HttpClient Participant(string name) => _participants[name].CreateClient();

    /// <summary>The connection string of a participant's database ("flights", "hotels", "cars").</summary>
    public string Database(string name) =>
        _participantSettings[$"ConnectionStrings:{char.ToUpperInvariant(name[0])}{name[1..]}"]!;

    /// <param name="overrides">Settings this start changes, for example to lift a fault injection.</param>
    public async Task StartParticipantAsync(string name, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_participantSettings) { ["Participants:Enabled:0"] = name };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        var host = new ServiceHost<ParticipantsAssembly>(settings);
        _participants[name] = host;
        await Eventually.Ready(host.CreateClient(), name, Startup);
    }

    /// <summary>Tears the participant's host down, as if its process stopped: its queue keeps what arrives meanwhile.</summary>
    public async Task StopParticipantAsync(string name)
    {
        await _participants[name].DisposeAsync();
        _participants.Remove(name);
    }

    public async Task<TravelBookingState?> SagaAsync(Guid bookingId)
    {
        await using var scope = _coordinator!.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISagaQueries<TravelBookingState>>().FindAsync(bookingId);
    }

    public Task<TravelBookingState?> TerminalAsync(Guid bookingId, TimeSpan? timeout = null) =>
        Eventually.Until(() => SagaAsync(bookingId),
            s => s?.CurrentState is "Completed" or "Compensated" or "NeedsAttention", timeout ?? TimeSpan.FromSeconds(45),
            $"booking {bookingId} ends");

    public async Task<List<TravelBookingState>> SagasAsync(IReadOnlyCollection<Guid> bookingIds)
    {
        await using var scope = _coordinator!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        return await db.Set<TravelBookingState>().AsNoTracking().Where(s => bookingIds.Contains(s.CorrelationId))
            .ToListAsync();
    }

    /// <summary>
    /// Messages in a queue, ready or unacknowledged, as the broker's statistics (a few seconds late) say; 0 for a queue
    /// not declared yet (MassTransit declares an <c>_error</c> queue on its first fault).
    /// </summary>
    public Task<long> QueueDepthAsync(string queue) => Services.QueueDepthAsync(queue);

    public virtual async Task DisposeAsync()
    {
        foreach (var host in _participants.Values)
            await host.DisposeAsync();
        if (_coordinator is not null)
            await _coordinator.DisposeAsync();
        await Services.DisposeAsync();
    }
}
