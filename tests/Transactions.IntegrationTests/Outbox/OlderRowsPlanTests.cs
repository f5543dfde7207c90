using Npgsql;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Dispatch;
using Transactions.Outbox.Outbox;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// The look for older rows that every commit makes reads the conversations' index however much the outbox table has
/// grown since the connection first ran it. A plan PostgreSQL kept from when the table was small (a sequential scan,
/// or the primary key over every older row) would read each dead row the table collects between two autovacuum runs.
/// </summary>
public sealed class OlderRowsPlanTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const int DeadRows = 20_000;

    [Fact]
    public async Task The_look_for_older_rows_reads_few_pages_of_a_table_grown_full_of_dead_rows_since_it_was_prepared()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "olderrows");
        // Prepared as the services prepare it (automatic preparation, PostgresConnectionDefaults).
        await using var connection = new NpgsqlConnection(PostgresConnectionDefaults.Apply(connectionString));
        await connection.OpenAsync();
        // The dead rows stay until the end of the test, as between two autovacuum runs.
        await ExecuteAsync(connection, "ALTER TABLE outbox_message SET (autovacuum_enabled = false)");
        await InsertRowsAsync(connection, 10);
        await ExecuteAsync(connection, "VACUUM ANALYZE outbox_message");

        // The first calls on a connection, while the table is one page: what PostgreSQL would plan once and keep.
        var conversation = Guid.NewGuid();
        for (var i = 0; i < 10; i++)
            await LookAsync(connection, conversation, sequenceNumber: long.MaxValue);

        await InsertRowsAsync(connection, DeadRows);
        await ExecuteAsync(connection, "DELETE FROM outbox_message");
        var tablePages = await ScalarAsync(connection, "SELECT pg_relation_size('outbox_message') / 8192");
        Assert.True(tablePages > 200, $"the table holds {tablePages} pages of dead rows");

        var before = await HeapPagesReadAsync(connection);
        var heldBack = await LookAsync(connection, conversation, sequenceNumber: long.MaxValue);
        var read = await HeapPagesReadAsync(connection) - before;

        Assert.Empty(heldBack);
        Assert.True(read < 10, $"the look read {read} of the table's {tablePages} pages");
    }

    static Task<IReadOnlySet<Guid>> LookAsync(NpgsqlConnection connection, Guid conversation, long sequenceNumber) =>
        OlderRows.HeldBackAsync(connection, null,
            [new OutboxMessage { PartitionKey = conversation, SequenceNumber = sequenceNumber }], _ => false,
            CancellationToken.None);

    /// <summary>Rows of conversations of their own, as many commits of other transfers leave them.</summary>
    static Task InsertRowsAsync(NpgsqlConnection connection, int count) =>
        ExecuteAsync(connection, "INSERT INTO outbox_message (partition_key, message_id, destination_address, " +
            "sent_time, content_type, message_type, body) SELECT gen_random_uuid(), gen_random_uuid(), " +
            "'rabbitmq://localhost/test', now(), 'application/json', 'urn:message:Test', repeat('x', 200) " +
            $"FROM generate_series(1, {count})");

    /// <summary>Heap pages of the outbox table read so far, from the statistics this backend has flushed.</summary>
    static async Task<long> HeapPagesReadAsync(NpgsqlConnection connection)
    {
        await ExecuteAsync(connection, "SELECT pg_stat_force_next_flush()");
        return await ScalarAsync(connection, "SELECT coalesce(heap_blks_hit, 0) + coalesce(heap_blks_read, 0) " +
            "FROM pg_statio_user_tables WHERE relname = 'outbox_message'");
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
