using System.Text.Json;

namespace Transactions.Conformance.Probe;

/// <summary>
/// Reads the participant's resource (an account, a stock of seats) through an HTTP GET that answers it as JSON, and
/// picks the named quantities out of it. This is how the kit sees effects without knowing the participant's storage.
/// </summary>
public sealed class ResourceProbe(HttpClient http, string urlTemplate, string resource,
    IReadOnlyList<KeyValuePair<string, JsonPath>> paths)
{
    public Uri Url { get; } = new(urlTemplate.Replace("{resource}", Uri.EscapeDataString(resource)));

    public IEnumerable<string> Names => paths.Select(p => p.Key);

    /// <exception cref="ProbeException">The GET failed, or the answer lacks a quantity.</exception>
    public async Task<Quantities> ReadAsync(CancellationToken ct)
    {
        string body;
        try
        {
            using var response = await http.GetAsync(Url, ct);
            body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new ProbeException($"GET {Url} answered {(int)response.StatusCode}: {Shorten(body)}");
        }
        catch (HttpRequestException e)
        {
            throw new ProbeException($"GET {Url} failed: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ProbeException($"GET {Url} did not answer within {http.Timeout.TotalSeconds:0} s");
        }

        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            throw new ProbeException($"GET {Url} answered something that is not JSON: {Shorten(body)}");
        }
        var values = new List<KeyValuePair<string, decimal>>();
        foreach (var (name, path) in paths)
        {
            var value = path.Read(root, out var problem)
                        ?? throw new ProbeException($"GET {Url}: {name} ({problem}): {Shorten(body)}");
            values.Add(KeyValuePair.Create(name, value));
        }
        return new Quantities(values);
    }

    /// <summary>Reads until the resource answers or the deadline passes (after a restart of the participant).</summary>
    public async Task<Quantities> ReadWhenBackAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await ReadAsync(ct);
            }
            catch (ProbeException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1_000));
            }
        }
    }

    static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";
}

/// <summary>The probe could not read the resource; the message says what was asked and what came back.</summary>
public sealed class ProbeException(string message) : Exception(message);
