namespace Transactions.Testing;

/// <summary>
/// Waits for a condition by polling it until a deadline, instead of sleeping a fixed time. Compiled into both test
/// projects.
/// </summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout,
        string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {because}. Last value: {value}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string because) =>
        Until(condition, ok => ok, timeout, because);

    /// <summary>
    /// Waits until a service host answers 200 on /health/ready: its broker and databases are reachable. A process
    /// that does not listen yet (starting, restarting) is not ready either.
    /// </summary>
    public static Task Ready(HttpClient client, string name, TimeSpan? timeout = null) =>
        Until(async () =>
        {
            try
            {
                using var response = await client.GetAsync("/health/ready");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, timeout ?? TimeSpan.FromSeconds(60), $"{name} is ready");
}
