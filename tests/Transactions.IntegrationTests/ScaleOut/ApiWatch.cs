using System.Diagnostics;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>
/// Asks each of some REST resources, one after another, every quarter second until disposed, and keeps the longest
/// time in a row that one of them answered 5xx or not at all: what a client of the API saw while the broker under the
/// services changed.
/// </summary>
public sealed class ApiWatch : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly Task _watching;
    readonly Dictionary<string, TimeSpan> _longest = [];
    int _asked;

    ApiWatch(IReadOnlyList<(string Name, HttpClient Client, string Path)> resources) =>
        _watching = Task.WhenAll(resources.Select(r => WatchAsync(r.Name, r.Client, r.Path)));

    public static ApiWatch Start(params (string Name, HttpClient Client, string Path)[] resources) => new(resources);

    /// <summary>How many requests were made.</summary>
    public int Asked => Volatile.Read(ref _asked);

    /// <summary>The longest run of failed answers, by resource.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Longest
    {
        get { lock (_longest) return new Dictionary<string, TimeSpan>(_longest); }
    }

    async Task WatchAsync(string name, HttpClient client, string path)
    {
        Stopwatch? failing = null;
        lock (_longest) _longest[name] = TimeSpan.Zero;
        while (!_stop.IsCancellationRequested)
        {
            bool failed;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                using var response = await client.GetAsync(path, timeout.Token);
                failed = (int)response.StatusCode >= 500;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                if (_stop.IsCancellationRequested)
                    break;
                failed = true;
            }
            Interlocked.Increment(ref _asked);
            if (failed)
            {
                failing ??= Stopwatch.StartNew();
                lock (_longest) _longest[name] = failing.Elapsed > _longest[name] ? failing.Elapsed : _longest[name];
            }
            else
            {
                failing = null;
            }
            await Task.Delay(250, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Stops watching; the figures stay readable. Disposing again does nothing more.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
    }
}
