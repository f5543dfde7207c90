using Npgsql;

namespace Transactions.Bench.Reconcile;

/// <summary>
/// Fills <c>bank_transfers</c> the way a coordinator that has run for a month leaves it: many finished transfers
/// (Completed, one in ten Cancelled; no deadline) and a few stuck ones (Trying, Confirming, Cancelling) whose
/// deadline passed an hour or more ago, each with the steps and history the state machine writes. A copy of the stuck
/// rows is kept in <c>bench_stuck</c> so a real run, which moves them on, can be undone before the next one.
/// </summary>
static class SagaTableSeed
{
    const string Columns = "correlation_id, from_account, to_account, amount, currency, debit_branch_id, " +
                           "credit_branch_id, current_state, version, created_at, updated_at, outcome, deadline_at, " +
                           "steps, history";

    /// <summary>jsonb of one step as the state machine stores it (camelCase, like the API shows it).</summary>
    static string Step(string name, string phase, string status, string attempts = "1", string error = "null") =>
        $"jsonb_build_object('name', '{name}', 'phase', '{phase}', 'status', '{status}', 'attempts', {attempts}, " +
        $"'lastError', {error})";

    static string Transition(string at, string from, string to, string @event) =>
        $"jsonb_build_object('at', {at}, 'from', '{from}', 'to', '{to}', 'event', '{@event}')";

    static readonly string Finished = $"""
        INSERT INTO bank_transfers ({Columns})
        SELECT gen_random_uuid(), 'ACC-' || lpad((i % 50000)::text, 6, '0'), 'ACC-' || lpad((i * 7 % 50000)::text, 6, '0'),
               round(1 + (i % 100000) / 100.0, 2), (ARRAY['EUR', 'USD', 'GBP'])[1 + i % 3], gen_random_uuid(),
               gen_random_uuid(), CASE WHEN cancelled THEN 'Cancelled' ELSE 'Completed' END, 3, created,
               created + interval '2 seconds',
               CASE WHEN cancelled THEN 'The debit was refused: insufficient funds'
                    ELSE 'Transferred ' || round(1 + (i % 100000) / 100.0, 2) || ' EUR.' END,
               NULL,
               CASE WHEN cancelled THEN jsonb_build_array(
                        {Step("debit", "try", "Failed", error: "'insufficient funds'")}, {Step("credit", "try", "Succeeded")},
                        {Step("debit", "cancel", "Succeeded")}, {Step("credit", "cancel", "Succeeded")})
                    ELSE jsonb_build_array(
                        {Step("debit", "try", "Succeeded")}, {Step("credit", "try", "Succeeded")},
                        {Step("debit", "confirm", "Succeeded")}, {Step("credit", "confirm", "Succeeded")}) END,
               CASE WHEN cancelled THEN jsonb_build_array(
                        {Transition("created", "Initial", "Trying", "Started")},
                        {Transition("created + interval '1 second'", "Trying", "Cancelling", "DebitRefused")},
                        {Transition("created + interval '2 seconds'", "Cancelling", "Cancelled", "CreditCancelled")})
                    ELSE jsonb_build_array(
                        {Transition("created", "Initial", "Trying", "Started")},
                        {Transition("created + interval '1 second'", "Trying", "Confirming", "CreditTried")},
                        {Transition("created + interval '2 seconds'", "Confirming", "Completed", "DebitConfirmed")}) END
        FROM generate_series(1, @count) AS i,
             LATERAL (SELECT now() - interval '2 hours' - (i % 2592000) * interval '1 second' AS created,
                             i % 10 = 0 AS cancelled) AS t
        """;

    /// <summary>Stuck a third each in Trying, Confirming and Cancelling, deadlines whole milliseconds (as stored).</summary>
    static readonly string Stuck = $"""
        INSERT INTO bank_transfers ({Columns})
        SELECT gen_random_uuid(), 'ACC-' || lpad((i % 50000)::text, 6, '0'), 'ACC-' || lpad((i * 7 % 50000)::text, 6, '0'),
               round(1 + i / 100.0, 2), 'EUR', gen_random_uuid(), gen_random_uuid(), state, 2,
               deadline - interval '30 seconds', deadline - interval '30 seconds',
               CASE state WHEN 'Cancelling' THEN 'The credit was refused: account closed' END, deadline,
               CASE state
                   WHEN 'Trying' THEN jsonb_build_array({Step("debit", "try", "Pending")}, {Step("credit", "try", "Pending")})
                   WHEN 'Confirming' THEN jsonb_build_array({Step("debit", "try", "Succeeded")},
                        {Step("credit", "try", "Succeeded")}, {Step("debit", "confirm", "Pending", "3")},
                        {Step("credit", "confirm", "Succeeded")})
                   ELSE jsonb_build_array({Step("debit", "try", "Succeeded")},
                        {Step("credit", "try", "Failed", error: "'account closed'")},
                        {Step("debit", "cancel", "Pending", "3")}, {Step("credit", "cancel", "Pending", "3")}) END,
               CASE state
                   WHEN 'Trying' THEN jsonb_build_array({Transition("deadline - interval '30 seconds'", "Initial", "Trying", "Started")})
                   ELSE jsonb_build_array({Transition("deadline - interval '30 seconds'", "Initial", "Trying", "Started")},
                        jsonb_build_object('at', deadline - interval '29 seconds', 'from', 'Trying', 'to', state,
                                           'event', CASE state WHEN 'Confirming' THEN 'DebitTried' ELSE 'CreditRefused' END))
               END
        FROM generate_series(1, @count) AS i,
             LATERAL (SELECT (ARRAY['Trying', 'Confirming', 'Cancelling'])[1 + i % 3] AS state,
                             date_trunc('milliseconds', now() - interval '1 hour' - i * interval '1 second') AS deadline) AS t;
        CREATE TABLE bench_stuck AS SELECT * FROM bank_transfers WHERE deadline_at IS NOT NULL;
        """;

    /// <summary>
    /// Loads the rows, vacuums and analyzes as autovacuum would have on a table this old, and checkpoints, so the
    /// timed runs do not wait on the server writing the load out.
    /// </summary>
    public static async Task LoadAsync(string connectionString, int finished, int stuck, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, Finished, ct, ("count", finished));
        await ExecuteAsync(connection, Stuck, ct, ("count", stuck));
        // VACUUM refuses to run inside a transaction block, so it is a command of its own.
        await ExecuteAsync(connection, "VACUUM (ANALYZE) bank_transfers", ct);
        await ExecuteAsync(connection, "CHECKPOINT", ct);
    }

    /// <summary>Puts the stuck rows back as they were loaded, undoing what the sagas did after a real run.</summary>
    public static async Task RestoreStuckAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, """
            UPDATE bank_transfers AS b
            SET current_state = s.current_state, updated_at = s.updated_at, outcome = s.outcome,
                deadline_at = s.deadline_at, steps = s.steps, history = s.history
            FROM bench_stuck AS s
            WHERE b.correlation_id = s.correlation_id
            """, ct);
    }

    /// <summary>How many sagas still have a deadline at or before <paramref name="cutoff"/>.</summary>
    public static async Task<long> CountDueAsync(string connectionString, DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM bank_transfers WHERE deadline_at <= @cutoff", connection);
        command.Parameters.AddWithValue("cutoff", cutoff);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
