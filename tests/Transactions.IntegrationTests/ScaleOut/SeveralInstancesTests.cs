using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Sagas;
using Transactions.Coordinator.TravelBookings;
using Transactions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>
/// Scale-out on real servers: three coordinators and two participant hosts, each a process of its own, on one broker
/// vhost and the same databases, take 500 transfers and 100 travel bookings round-robin; a third of the way in, one
/// coordinator and one participant host are killed with SIGKILL and started again on their ports.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SeveralInstancesTests(IsolatedServices services, ITestOutputHelper output)
    : IClassFixture<IsolatedServices>
{
    const int Coordinators = 3, ParticipantHosts = 2, Transfers = 500, Bookings = 100;

    /// <summary>The coordinator and participant host killed, by index.</summary>
    const int Victim = 1;
    static readonly TimeSpan ReconciliationPeriod = TimeSpan.FromSeconds(2);

    // Short step waits, so that the bookings whose car is never answered give up within seconds; long enough that on
    // a loaded machine most answers still come within the first.
    static readonly TravelBookingOptions Travel = new()
    {
        StepTimeout = TimeSpan.FromSeconds(4), MaxStepTimeout = TimeSpan.FromSeconds(4), ReserveAttempts = 3,
    };

    static readonly Dictionary<string, string?> CoordinatorSettings = new()
    {
        ["Reconciliation:Period"] = ReconciliationPeriod.ToString(),
        // Each run asks the bank about the transfers that ended within the window: a short one keeps a run every 2 s
        // cheap, and still has each ended transfer checked by a few runs.
        ["Reconciliation:BusinessCheckWindow"] = "00:00:10",
        ["TravelBookings:StepTimeout"] = Travel.StepTimeout.ToString(),
        ["TravelBookings:MaxStepTimeout"] = Travel.MaxStepTimeout.ToString(),
        ["TravelBookings:ReserveAttempts"] = Travel.ReserveAttempts.ToString(),
        // Confirms and Cancels resent at most 10 s apart (not 60), so a slow phase does not hold the end for a minute.
        ["BankTransfers:RetryMaxDelay"] = "00:00:10",
    };

    static readonly Dictionary<string, string?> ParticipantSettings = new()
    {
        ["Flights:FaultInjection:RefuseMatching:0"] = Workload.RefusedFlight,
        ["Cars:FaultInjection:IgnoreMatching:0"] = Workload.UnansweredCarClass,
    };

    [Fact]
    public async Task Three_coordinators_and_two_participant_hosts_one_of_each_killed_mid_run_end_every_saga_once()
    {
        var clock = Stopwatch.StartNew();
        await using var instances = await ServiceInstances.StartAsync(services, Coordinators, ParticipantHosts,
            CoordinatorSettings, ParticipantSettings);
        var ready = DateTimeOffset.UtcNow;
        output.WriteLine($"{Coordinators} coordinators and {ParticipantHosts} participant hosts ready after " +
                         $"{clock.Elapsed.TotalSeconds:0.0} s");
        var workload = Workload.Plan(Transfers, Bookings, seed: 15);
        await workload.SetUpAsync(instances.Participants(0).Client);

        // A third of the starts go to all coordinators, a third while one is killed and restarting, the last third to
        // all again, the restarted one included.
        var orders = workload.Orders.Count;
        var poster = new StartPoster(instances, Coordinators,
            () => CoordinatorDatabase.EndedAsync(instances.CoordinatorDatabase), maxInFlight: 150);
        var restarted = new TaskCompletionSource();
        clock.Restart();
        var posting = poster.PostAllAsync(workload.Orders, parallel: 8, gateAt: 2 * orders / 3, restarted.Task);
        DateTimeOffset killedAt;
        IReadOnlyList<int> acceptedBeforeRestart;
        try
        {
            await Eventually.Until(() => Task.FromResult(poster.Accepted >= orders / 3 || posting.IsCompleted),
                TimeSpan.FromSeconds(120), "a third of the starts are accepted");
            killedAt = await KillAndRestartAsync(instances, poster.Accepted, orders, clock);
            acceptedBeforeRestart = poster.AcceptedBy;
        }
        finally
        {
            restarted.TrySetResult();
        }
        await posting;
        output.WriteLine($"{orders} starts accepted in {clock.Elapsed.TotalSeconds:0.0} s, by coordinator: " +
                         $"{string.Join(" / ", poster.AcceptedBy)}; {poster.Repeated} posted again to another");
        Assert.True(poster.AcceptedBy[Victim] > acceptedBeforeRestart[Victim], "the restarted coordinator took no start");

        await Eventually.Until(() => CoordinatorDatabase.EndedAsync(instances.CoordinatorDatabase), n => n == orders,
            TimeSpan.FromSeconds(300), "every saga ends");
        output.WriteLine($"every saga ended {clock.Elapsed.TotalSeconds:0.0} s after the first start");

        await using var db = CoordinatorDatabase.Open(instances.CoordinatorDatabase);
        var transfers = await db.Set<BankTransferState>().AsNoTracking().ToListAsync();
        var bookings = await db.Set<TravelBookingState>().AsNoTracking().ToListAsync();
        PrintTimeline(transfers.Concat<WorkflowSaga>(bookings).ToList(), killedAt);
        await TransferChecks.AssertAsync(workload.Transfers, transfers, instances.BankDatabase, output);
        await BookingChecks.AssertAsync(workload.Bookings, bookings, workload, instances.Participants(0).Client, Travel,
            output);
        Assert.All(transfers.Concat<WorkflowSaga>(bookings), TransferChecks.AssertHistoryIsOneChain);

        var errorQueues = (await services.QueueNamesAsync()).Where(q => q.EndsWith("_error")).ToList();
        foreach (var queue in errorQueues)
            Assert.True(await services.QueueDepthAsync(queue) == 0, $"{queue} holds messages");
        output.WriteLine($"{errorQueues.Count} _error queue(s), all empty");

        await ScheduledRuns.AssertOncePerTickAsync(() => CoordinatorDatabase.Open(instances.CoordinatorDatabase),
            ReconciliationPeriod, ready, killedAt, output);
    }

    /// <summary>
    /// SIGKILLs one coordinator and one participant host while sagas are under way, proves both died of it, and starts
    /// them again on their ports. Returns when they were killed.
    /// </summary>
    async Task<DateTimeOffset> KillAndRestartAsync(ServiceInstances instances, int accepted, int orders, Stopwatch clock)
    {
        var unfinished = accepted - await CoordinatorDatabase.EndedAsync(instances.CoordinatorDatabase);
        var processes = (instances.Coordinator(Victim).ProcessId, instances.Participants(Victim).ProcessId);
        var killed = await Task.WhenAll(instances.KillCoordinatorAsync(Victim), instances.KillParticipantsAsync(Victim));
        // Taken once they are dead: a run the coordinator started up to its last moment stays Running, and is allowed.
        var killedAt = DateTimeOffset.UtcNow;
        output.WriteLine($"killed coordinator {Victim} and participant host {Victim} (SIGKILL) at " +
                         $"{clock.Elapsed.TotalSeconds:0.0} s, {accepted} of {orders} starts accepted, {unfinished} of " +
                         "them not ended");
        Assert.InRange(accepted, orders / 3, orders - 1);
        Assert.True(unfinished > 0, "every saga had ended when the instances were killed");
        Assert.All(killed, k => Assert.True(k is { Exited: true, ExitCode: 137 }, $"{k} did not die of SIGKILL"));

        var down = Stopwatch.StartNew();
        await Task.WhenAll(instances.StartCoordinatorAsync(Victim), instances.StartParticipantsAsync(Victim));
        var (coordinator, participants) = (instances.Coordinator(Victim), instances.Participants(Victim));
        output.WriteLine($"both started again on ports {killed[0].Port} and {killed[1].Port} after " +
                         $"{down.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal((killed[0].Port, killed[1].Port), (coordinator.Port, participants.Port));
        Assert.NotEqual(processes, (coordinator.ProcessId, participants.ProcessId));
        return killedAt;
    }

    /// <summary>How many sagas ended in each 20 s from the first start on, to see the pace and any stall.</summary>
    void PrintTimeline(IReadOnlyList<WorkflowSaga> sagas, DateTimeOffset killedAt)
    {
        var first = sagas.Min(s => s.CreatedAt);
        var ended = sagas.Select(s => (int)((s.History.Last().At - first).TotalSeconds / 20)).ToList();
        output.WriteLine($"sagas ended per 20 s from the first start (kill at {(killedAt - first).TotalSeconds:0} s): " +
                         string.Join(" ", Enumerable.Range(0, ended.Max() + 1).Select(b => ended.Count(e => e == b))));
    }
}
