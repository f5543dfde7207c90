using System.Diagnostics.Metrics;

namespace Transactions.Coordinator.Telemetry;

/// <summary>
/// The coordinator's meter, <c>Transactions.Coordinator</c>. Saga counters are fed by every workflow's state
/// transitions (<see cref="SagaTransitionObserver{TSaga}"/>), so workflow authors need not call them; reconciliation
/// reports its findings through <see cref="ReconciliationFinding"/>. Gauges show the last
/// <see cref="SagaGaugeSampler"/> reading of the database.
/// </summary>
public sealed class SagaMetrics
{
    public const string MeterName = "Transactions.Coordinator";
    const string Workflow = "workflow";

    readonly Counter<long> _started;
    readonly Counter<long> _completed;
    readonly Counter<long> _compensated;
    readonly Counter<long> _ended;
    readonly Counter<long> _findings;
    volatile SagaGaugeReading _reading = SagaGaugeReading.None;

    public SagaMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _started = meter.CreateCounter<long>("transactions.sagas.started", "{saga}", "Sagas started, per workflow.");
        _completed = meter.CreateCounter<long>("transactions.sagas.completed", "{saga}",
            "Sagas that reached their Completed state, per workflow.");
        _compensated = meter.CreateCounter<long>("transactions.sagas.compensated", "{saga}",
            "Sagas that were compensated (Compensated, or Cancelled for TCC), per workflow.");
        _ended = meter.CreateCounter<long>("transactions.sagas.ended", "{saga}",
            "Sagas that reached any terminal state, per workflow and state.");
        _findings = meter.CreateCounter<long>("transactions.reconciliation.findings", "{finding}",
            "Problems reconciliation found, per check and kind.");

        meter.CreateObservableGauge("transactions.sagas.active", () => _reading.ActiveByState.Select(s =>
                new Measurement<long>(s.Count, new(Workflow, s.Workflow), new("state", s.State))),
            "{saga}", "Sagas in each non-terminal state, per workflow.");
        meter.CreateObservableGauge("transactions.sagas.oldest_active_age", () => _reading.OldestActiveAge.Select(a =>
                new Measurement<double>(a.Value.TotalSeconds, new KeyValuePair<string, object?>(Workflow, a.Key))),
            "s", "Age of the oldest saga not yet in a terminal state, per workflow.");
        meter.CreateObservableGauge("transactions.outbox.backlog", () => _reading.Outbox is { } o
                ? [new Measurement<long>(o.Backlog)] : Array.Empty<Measurement<long>>(),
            "{message}", "Messages in the outbox not yet delivered to the broker.");
        meter.CreateObservableGauge("transactions.outbox.oldest_age", () => _reading.Outbox is { } o
                ? [new Measurement<double>(o.OldestAge.TotalSeconds)] : Array.Empty<Measurement<double>>(),
            "s", "Age of the oldest undelivered outbox message (0 when none).");
    }

    public void Started(string workflow) => _started.Add(1, new KeyValuePair<string, object?>(Workflow, workflow));

    /// <summary>Counts a saga reaching terminal state <paramref name="state"/>.</summary>
    public void Ended(string workflow, string state)
    {
        _ended.Add(1, new(Workflow, workflow), new("state", state));
        if (state == "Completed")
            _completed.Add(1, new KeyValuePair<string, object?>(Workflow, workflow));
        else if (state is "Compensated" or "Cancelled")
            _compensated.Add(1, new KeyValuePair<string, object?>(Workflow, workflow));
    }

    /// <summary>Counts one finding of reconciliation check <paramref name="check"/>, of kind <paramref name="kind"/>.</summary>
    public void ReconciliationFinding(string check, string kind) =>
        _findings.Add(1, new("check", check), new("kind", kind));

    internal void Update(SagaGaugeReading reading) => _reading = reading;
}

/// <summary>One reading of the database for the gauges.</summary>
sealed record SagaGaugeReading(
    IReadOnlyList<(string Workflow, string State, long Count)> ActiveByState,
    IReadOnlyDictionary<string, TimeSpan> OldestActiveAge,
    (long Backlog, TimeSpan OldestAge)? Outbox)
{
    public static readonly SagaGaugeReading None = new([], new Dictionary<string, TimeSpan>(), null);
}
