using System.Collections.Concurrent;

namespace Transactions.Coordinator.Reconciliation;

/// <summary>
/// Runs asked for through the API. The run goes on in the background, tied to the application's lifetime rather
/// than the request's, so a caller that stops waiting (202) does not cancel it.
/// </summary>
public sealed class ReconciliationRequests(ReconciliationRunner runner, IHostApplicationLifetime lifetime)
{
    readonly ConcurrentDictionary<Guid, Task<ReconciliationRun>> _inFlight = new();

    /// <summary>Starts a run and returns its stored id with the task that completes it.</summary>
    public async Task<(Guid Id, Task<ReconciliationRun> Completion)> StartAsync(ReconciliationRequest request,
        CancellationToken cancellationToken)
    {
        var run = await runner.BeginAsync(request, cancellationToken);
        var completion = Task.Run(() => runner.CompleteAsync(run, request, lifetime.ApplicationStopping),
            CancellationToken.None);
        _inFlight[run.Id] = completion;
        _ = completion.ContinueWith(_ => _inFlight.TryRemove(run.Id, out Task<ReconciliationRun>? _),
            TaskScheduler.Default);
        return (run.Id, completion);
    }
}
