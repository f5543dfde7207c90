using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>
/// Several coordinators and several participant hosts, each a process of its own, on one broker vhost and the same
/// databases; instance i listens on the first port + 2i (coordinators) and + 2i + 1 (participant hosts), as
/// <c>scripts/run.sh --instances</c> places them. An instance can be killed with SIGKILL and started again on its port.
/// </summary>
public sealed class ServiceInstances : IAsyncDisposable
{
    readonly Dictionary<string, string?> _coordinatorSettings;
    readonly Dictionary<string, string?> _participantSettings;
    readonly RunningService?[] _coordinators;
    readonly RunningService?[] _participants;
    readonly int _firstPort;
    int _next;

    ServiceInstances(Dictionary<string, string?> coordinatorSettings, Dictionary<string, string?> participantSettings,
        int coordinators, int participantHosts)
    {
        _coordinatorSettings = coordinatorSettings;
        _participantSettings = participantSettings;
        _coordinators = new RunningService?[coordinators];
        _participants = new RunningService?[participantHosts];
        _firstPort = ServiceProcess.ConsecutiveFreePorts(2 * Math.Max(coordinators, participantHosts));
    }

    public string CoordinatorDatabase => _coordinatorSettings["ConnectionStrings:Coordinator"]!;
    public string BankDatabase => _participantSettings["ConnectionStrings:Bank"]!;

    /// <summary>Starts every instance at once, as a deployment would, and waits until each is ready.</summary>
    public static async Task<ServiceInstances> StartAsync(IsolatedServices services, int coordinators,
        int participantHosts, IReadOnlyDictionary<string, string?> coordinatorSettings,
        IReadOnlyDictionary<string, string?> participantSettings)
    {
        var coordinator = services.BrokerSettings();
        coordinator["ConnectionStrings:Coordinator"] = await services.CreateDatabaseAsync("coordinator");
        coordinator["Database:MigrateOnStartup"] = "true";
        var participants = services.BrokerSettings();
        foreach (var name in new[] { "Bank", "Flights", "Hotels", "Cars" })
            participants[$"ConnectionStrings:{name}"] = await services.CreateDatabaseAsync(name);
        participants["Database:MigrateOnStartup"] = "true";
        // A line per saga and message costs CPU that five processes on a small machine need for the work itself.
        coordinator["Logging:LogLevel:Default"] = participants["Logging:LogLevel:Default"] = "Warning";
        coordinator["Logging:Console:FormatterOptions:TimestampFormat"] =
            participants["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in coordinatorSettings)
            coordinator[key] = value;
        foreach (var (key, value) in participantSettings)
            participants[key] = value;

        var instances = new ServiceInstances(coordinator, participants, coordinators, participantHosts);
        await Task.WhenAll(Enumerable.Range(0, coordinators).Select(instances.StartCoordinatorAsync)
            .Concat(Enumerable.Range(0, participantHosts).Select(instances.StartParticipantsAsync)));
        return instances;
    }

    public RunningService Coordinator(int i) =>
        _coordinators[i] ?? throw new InvalidOperationException($"coordinator {i} is not running");

    public RunningService Participants(int i) =>
        _participants[i] ?? throw new InvalidOperationException($"participant host {i} is not running");

    /// <summary>The next running coordinator in turn, with its index; null while none runs.</summary>
    public (int Index, HttpClient Api)? NextCoordinator()
    {
        for (var tried = 0; tried < _coordinators.Length; tried++)
        {
            var i = (int)((uint)Interlocked.Increment(ref _next) % _coordinators.Length);
            if (Volatile.Read(ref _coordinators[i]) is { } coordinator)
                return (i, coordinator.Client);
        }
        return null;
    }

    public async Task StartCoordinatorAsync(int i) =>
        Volatile.Write(ref _coordinators[i], await RunningService.StartAsync(ServiceProcess.Coordinator,
            _coordinatorSettings, port: _firstPort + 2 * i));

    public async Task StartParticipantsAsync(int i) =>
        Volatile.Write(ref _participants[i], await RunningService.StartAsync(ServiceProcess.Participants,
            _participantSettings, port: _firstPort + 2 * i + 1));

    /// <summary>SIGKILLs the coordinator (no client is given it from now on) and returns how its process ended.</summary>
    public Task<Killed> KillCoordinatorAsync(int i) => KillAsync(_coordinators, i);

    public Task<Killed> KillParticipantsAsync(int i) => KillAsync(_participants, i);

    static async Task<Killed> KillAsync(RunningService?[] instances, int i)
    {
        var instance = instances[i] ?? throw new InvalidOperationException($"instance {i} is not running");
        Volatile.Write(ref instances[i], null);
        await instance.KillAsync();
        var killed = new Killed(instance.ProcessId, instance.Port, instance.HasExited, instance.ExitCode);
        await instance.DisposeAsync();
        return killed;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _coordinators.Concat(_participants))
            if (instance is not null)
                await instance.DisposeAsync();
    }
}

/// <summary>A killed instance: its process, its port, whether it is gone, and its exit code (137: SIGKILL).</summary>
public sealed record Killed(int ProcessId, int Port, bool Exited, int ExitCode);
