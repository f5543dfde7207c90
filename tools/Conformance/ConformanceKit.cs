using RabbitMQ.Client.Exceptions;
using Transactions.Conformance.Checks;
using Transactions.Conformance.Options;
using Transactions.Conformance.Probe;
using Transactions.Conformance.Wire;

namespace Transactions.Conformance;

/// <summary>
/// The kit as a library: what <c>dotnet run --project tools/Conformance -- ...</c> runs, callable from tests with
/// writers of their own.
/// </summary>
public static class ConformanceKit
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int CouldNotRun = 2;

    /// <returns><see cref="Passed"/>, <see cref="Failed"/> (a check failed) or <see cref="CouldNotRun"/>.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error,
        CancellationToken ct = default)
    {
        KitOptions? options;
        try
        {
            options = KitArguments.Parse(args);
        }
        catch (FormatException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return CouldNotRun;
        }
        if (options is null)
        {
            await output.WriteLineAsync(Usage.Text);
            return Passed;
        }

        try
        {
            return await RunChecksAsync(options, output, ct);
        }
        catch (Exception e) when (e is SetupException or ProbeException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return CouldNotRun;
        }
        catch (RabbitMQClientException e)
        {
            // A channel the broker closed (an exchange declared otherwise than MassTransit does) or a lost connection.
            await error.WriteLineAsync($"error: the broker ended the kit's connection or channel: {e.Message}");
            return CouldNotRun;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("error: stopped before the checks were done.");
            return CouldNotRun;
        }
    }

    static async Task<int> RunChecksAsync(KitOptions options, TextWriter output, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = options.ReplyTimeout };
        foreach (var (name, value) in options.ProbeHeaders)
            http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        var probe = new ResourceProbe(http, options.MessageSet.ProbeUrl, options.Resource,
            options.MessageSet.ProbePaths.Select(p => KeyValuePair.Create(p.Key, JsonPath.Parse(p.Value))).ToList());
        // Read once before anything is sent, so that a wrong URL, key or path stops the kit with the probe's answer.
        var start = await probe.ReadAsync(ct);
        await using var broker = await BrokerSession.OpenAsync(options.Broker, options.MessageSet, options.ReplyTimeout, ct);
        await output.WriteLineAsync($"Checking {options.MessageSet.Name} on queue {options.MessageSet.Queue} at " +
                                    $"{BrokerSession.Redacted(options.Broker)}, resource {options.Resource} ({start}) " +
                                    $"read from {probe.Url}");

        var context = new KitContext(broker, probe, options);
        var results = new List<CheckResult>();
        foreach (var check in CheckCatalog.All(options).Where(c => options.Checks.Count == 0 || options.Checks.Contains(c.Id)))
        {
            var result = await check.RunAsync(context, ct) with { Id = check.Id };
            results.Add(result);
            await output.WriteLineAsync(result.ToString());
        }

        var failed = results.Where(r => r.Verdict == Verdict.Fail).ToList();
        var skipped = results.Count(r => r.Verdict == Verdict.Skip);
        var broken = failed.GroupBy(f => f.Id)
            .Select(g => $"{CheckCatalog.GuaranteeOf(g.Key)} ({string.Join(", ", g.Select(f => f.Name))})");
        await output.WriteLineAsync(failed.Count == 0
            ? $"{Checks(results.Count - skipped)} passed" + (skipped > 0 ? $", {skipped} skipped" : "")
            : $"{failed.Count} of {Checks(results.Count - skipped)} failed. Broken: {string.Join("; ", broken)}");
        return failed.Count == 0 ? Passed : Failed;
    }

    static string Checks(int count) => count == 1 ? "1 check" : $"{count} checks";
}
