using System.Net;
using System.Net.Http.Json;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>
/// Posts starts round-robin over the running coordinators, as a client behind a load balancer would: a start whose
/// coordinator cannot be reached or dies before answering is posted again, with the same id, to the next one (a start
/// is idempotent by its id, so a start that did arrive is not started twice). It keeps at most
/// <paramref name="maxInFlight"/> sagas started and not ended, as a client pacing itself to what the system takes:
/// starts posted far faster than the machine ends them would only wait in queues past their deadlines.
/// </summary>
/// <param name="ended">How many sagas have ended so far.</param>
public sealed class StartPoster(ServiceInstances instances, int coordinators, Func<Task<int>> ended, int maxInFlight)
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    readonly int[] _acceptedBy = new int[coordinators];
    int _accepted;
    int _ended;
    int _repeated;

    /// <summary>Starts accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Starts posted again because their coordinator did not answer.</summary>
    public int Repeated => Volatile.Read(ref _repeated);

    /// <summary>How many starts each coordinator accepted.</summary>
    public IReadOnlyList<int> AcceptedBy => _acceptedBy.ToArray();

    /// <summary>
    /// Posts every order, <paramref name="parallel"/> at a time in order; orders from <paramref name="gateAt"/> on
    /// wait for <paramref name="gate"/> first.
    /// </summary>
    public async Task PostAllAsync(IReadOnlyList<object> orders, int parallel, int gateAt, Task gate)
    {
        using var posted = new CancellationTokenSource();
        var counting = CountEndedAsync(posted.Token);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, orders.Count),
                new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) =>
                {
                    if (i >= gateAt)
                        await gate;
                    await Eventually.Until(() => Task.FromResult(Accepted - Volatile.Read(ref _ended) < maxInFlight),
                        Patience, $"fewer than {maxInFlight} sagas are in flight");
                    await PostAsync(orders[i]);
                });
        }
        finally
        {
            await posted.CancelAsync();
            await counting;
        }
    }

    async Task CountEndedAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Volatile.Write(ref _ended, await ended());
            await Task.Delay(250, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    async Task PostAsync(object order)
    {
        var (path, body, sagaId) = Workload.RequestOf(order);
        var deadline = DateTime.UtcNow + Patience;
        for (var attempt = 0;; attempt++)
        {
            if (attempt > 0)
                Interlocked.Increment(ref _repeated);
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No coordinator accepted {path} {sagaId} within {Patience.TotalSeconds:0} s.");
            if (instances.NextCoordinator() is not { } next)
            {
                await Task.Delay(100);
                continue;
            }
            var (index, api) = next;
            try
            {
                using var response = await api.PostAsJsonAsync(path, body);
                Assert.True(response.StatusCode == HttpStatusCode.Accepted,
                    $"{path} {sagaId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                Assert.Equal($"/api/sagas/{sagaId}", response.Headers.Location?.ToString());
                Interlocked.Increment(ref _acceptedBy[index]);
                Interlocked.Increment(ref _accepted);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The coordinator died, is restarting or did not answer in time: the next one gets the same start.
            }
        }
    }
}
