using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Transactions.IntegrationTests.Barrier;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Participants.Sample;
using Transactions.Participants.Sample.Bank.Accounts;

namespace Transactions.IntegrationTests.Bank;

/// <summary>GET /api/accounts/{id}/ledger reads a page at a time, whatever the length of the ledger.</summary>
public sealed class LedgerPageTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task A_ledger_is_read_a_page_at_a_time_oldest_first_and_a_bad_limit_or_cursor_is_a_problem_naming_it()
    {
        var settings = await services.ParticipantSettingsAsync("bank", "bank");
        await using var host = new ServiceHost<ParticipantsAssembly>(settings);
        using var bank = host.CreateClient();
        (await bank.PostAsJsonAsync("/api/accounts", new { accountId = "erin", currency = "EUR", initialBalance = 1m }))
            .EnsureSuccessStatusCode();
        await AddEntriesAsync(settings["ConnectionStrings:Bank"]!, "erin", 249);

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await bank.GetFromJsonAsync<JsonElement>(
                "/api/accounts/erin/ledger?limit=100" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null && pages < 10);
        Assert.Equal(3, pages);
        Assert.Equal(250, seen.Count);
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());

        var first = await bank.GetFromJsonAsync<JsonElement>("/api/accounts/erin/ledger");
        Assert.Equal(LedgerPage.DefaultLimit, first.GetProperty("items").GetArrayLength());
        Assert.Equal("Opened", first.GetProperty("items")[0].GetProperty("kind").GetString());

        foreach (var (query, field) in new[]
                 {
                     ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"),
                     ("cursor=not-a-cursor!", "cursor"), ("cursor=AAAA", "cursor"),
                 })
        {
            using var response = await bank.GetAsync("/api/accounts/erin/ledger?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
        }
    }

    [Fact]
    public async Task A_ledger_page_range_scans_its_index_and_stops_after_the_page_on_a_large_ledger()
    {
        var connectionString = await services.CreateDatabaseAsync("plans");
        await using var bank = await BankDatabase.CreateAsync(connectionString);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            // 300,000 entries over 1,000 accounts, then 300,000 of one busy account, with fresh planner statistics.
            await using var seed = new NpgsqlCommand("""
                INSERT INTO accounts (account_id, currency, available, frozen, pending_credit)
                SELECT 'acct-' || a, 'EUR', 0, 0, 0 FROM generate_series(0, 1000) AS a;
                INSERT INTO ledger_entries (account_id, kind, amount, available, frozen, pending_credit, at)
                SELECT 'acct-' || (i % 1000 + 1), 'Credited', 1, i, 0, 0, now() FROM generate_series(1, 300000) AS i;
                INSERT INTO ledger_entries (account_id, kind, amount, available, frozen, pending_credit, at)
                SELECT 'acct-0', 'Credited', 1, i, 0, 0, now() FROM generate_series(1, 300000) AS i;
                ANALYZE accounts; ANALYZE ledger_entries;
                """, connection);
            seed.CommandTimeout = 300;
            await seed.ExecuteNonQueryAsync();
        }

        // A later page of a quiet account, and the first page of the busy one, whose entries all come after the others'.
        foreach (var (account, after) in new[] { ("acct-7", (long?)1_000), ("acct-0", null) })
        {
            var plan = await bank.WithDbAsync(async db =>
            {
                await using var command = LedgerPage.Query(db, account, after, LedgerPage.DefaultLimit + 1).CreateDbCommand();
                return await QueryPlan.ExplainAsync(connectionString, command.CommandText,
                    command.Parameters.Cast<NpgsqlParameter>().ToArray());
            });

            Assert.Contains("ix_ledger_entries_account_id_id", plan);
            Assert.Contains("Limit", plan);
            Assert.DoesNotContain("Seq Scan", plan);
            Assert.DoesNotContain("Sort", plan);
        }
    }

    /// <summary>Adds <paramref name="count"/> credits to an account's ledger, as many transfers would have.</summary>
    static async Task AddEntriesAsync(string connectionString, string accountId, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO ledger_entries (account_id, kind, amount, available, frozen, pending_credit, at)
            SELECT @account, 'Credited', 1, 1 + i, 0, 0, now() FROM generate_series(1, @count) AS i
            """, connection);
        insert.Parameters.AddWithValue("account", accountId);
        insert.Parameters.AddWithValue("count", count);
        await insert.ExecuteNonQueryAsync();
    }
}
