using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transactions.IntegrationTests.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.TravelBookings;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>
/// The coordinator with the bank participant: bank transfers run to Completed or Cancelled. No travel participant
/// runs, so travel bookings stay in BookingFlight, a non-terminal state, and the list spans two workflows.
/// </summary>
public sealed class SagaListSystem : IAsyncLifetime
{
    readonly IsolatedServices _services = new();

    public BankTransferSystem System { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        System = await BankTransferSystem.StartAsync(_services);
        await System.OpenAccountAsync("list-a", 1_000m);
        await System.OpenAccountAsync("list-b", 0m);
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        await _services.DisposeAsync();
    }
}

public sealed class SagaListTests(SagaListSystem fixture) : IClassFixture<SagaListSystem>
{
    readonly BankTransferSystem _system = fixture.System;

    [Fact]
    public async Task Filters_select_by_workflow_state_terminality_stuck_time_and_creation_range()
    {
        var since = Query(DateTimeOffset.UtcNow.AddMilliseconds(-1));
        var completed = await CompletedTransferAsync();
        var cancelled = await _system.StartTransferAsync("list-a", "list-b", 5_000m);
        await _system.TerminalSagaAsync(cancelled);
        var booking = await StartBookingAsync();

        var all = await ListAsync($"createdFrom={since}");
        Assert.Equal([completed, cancelled, booking], all.Select(s => s.SagaId));
        Assert.Equal(["bank-transfer", "bank-transfer", "travel-booking"], all.Select(s => s.Workflow));
        Assert.Equal(["Completed", "Cancelled", "BookingFlight"], all.Select(s => s.State));

        Assert.Equal([completed, cancelled], Ids(await ListAsync($"createdFrom={since}&workflow=bank-transfer")));
        Assert.Equal([booking], Ids(await ListAsync($"createdFrom={since}&workflow=travel-booking")));
        Assert.Equal([cancelled], Ids(await ListAsync($"createdFrom={since}&state=Cancelled")));
        Assert.Equal([completed, cancelled], Ids(await ListAsync($"createdFrom={since}&isTerminal=true")));
        Assert.Equal([booking], Ids(await ListAsync($"createdFrom={since}&isTerminal=false")));
        // Half-open range: createdTo excludes the saga created exactly then.
        Assert.Equal([completed], Ids(await ListAsync($"createdFrom={since}&createdTo={Query(all[1].CreatedAt)}")));
        Assert.Equal([cancelled, booking], Ids(await ListAsync($"createdFrom={Query(all[1].CreatedAt)}")));

        // Stuck = non-terminal and not updated for that long: the booking waits 30 s on its flight step.
        Assert.Empty(await ListAsync($"createdFrom={since}&stuckFor=00:10:00"));
        var stuck = await Eventually.Until(() => ListAsync($"createdFrom={since}&stuckFor=1"), page => page.Count > 0,
            TimeSpan.FromSeconds(15), "the booking has been stuck for a second");
        Assert.Equal([booking], Ids(stuck));
        Assert.All(stuck, s => Assert.False(s.IsTerminal));
    }

    [Fact]
    public async Task Paging_visits_every_saga_once_in_order_while_new_sagas_are_created()
    {
        var since = Query(DateTimeOffset.UtcNow.AddMilliseconds(-1));
        var existing = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            existing.Add(await _system.StartTransferAsync("list-a", "list-b", 1m));
            existing.Add(await StartBookingAsync());
        }
        await Eventually.Until(async () => (await ListAsync($"createdFrom={since}&limit=500")).Count == existing.Count,
            TimeSpan.FromSeconds(30), "every saga is saved");

        using var stop = new CancellationTokenSource();
        var created = new List<Guid>();
        var creating = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                created.Add(await _system.StartTransferAsync("list-a", "list-b", 1m));
        });

        var seen = new List<SagaItem>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync($"createdFrom={since}&limit=5" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null && pages < 100);
        await stop.CancelAsync();
        await creating;

        Assert.Null(cursor);
        Assert.Equal(seen.Count, seen.Select(s => s.SagaId).Distinct().Count());
        Assert.Subset(seen.Select(s => s.SagaId).ToHashSet(), existing.ToHashSet());
        Assert.True(created.Count > 0, "sagas were created while paging");
        // Sagas created during paging are newer than every cursor, so they arrive on later pages, in order.
        Assert.Equal(seen.OrderBy(s => s.CreatedAt).ThenBy(s => s.SagaId.ToString(), StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Counts_give_sagas_per_workflow_and_state_matching_the_list()
    {
        await CompletedTransferAsync();
        await StartBookingAsync();

        var counts = await _system.Coordinator.GetFromJsonAsync<JsonElement>("/api/sagas/counts");
        var listed = await ListAsync("limit=500");
        var expected = listed.GroupBy(s => s.Workflow).ToDictionary(g => g.Key,
            g => g.GroupBy(s => s.State).ToDictionary(s => s.Key, s => s.Count()));

        Assert.Equal(["bank-transfer", "travel-booking"],
            counts.EnumerateArray().Select(c => c.GetProperty("workflow").GetString()).Order());
        foreach (var c in counts.EnumerateArray())
        {
            var byState = c.GetProperty("byState").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
            Assert.Equal(expected[c.GetProperty("workflow").GetString()!], byState);
            Assert.Equal(byState.Values.Sum(), c.GetProperty("total").GetInt32());
        }
        Assert.True(expected["bank-transfer"]["Completed"] >= 1);
        Assert.True(expected["travel-booking"]["BookingFlight"] >= 1);
    }

    [Theory]
    [InlineData("workflow=unknown", "workflow")]
    [InlineData("isTerminal=maybe", "isTerminal")]
    [InlineData("stuckFor=-5", "stuckFor")]
    [InlineData("stuckFor=0", "stuckFor")]
    [InlineData("stuckFor=soon", "stuckFor")]
    [InlineData("stuckFor=99999999999", "stuckFor")]
    [InlineData("stuckFor=10000.00:00:00", "stuckFor")]
    [InlineData("stuckFor=60&isTerminal=true", "isTerminal")]
    [InlineData("createdFrom=yesterday", "createdFrom")]
    [InlineData("createdFrom=2026-03-02T00:00:00Z&createdTo=2026-03-01T00:00:00Z", "createdTo")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "state")]
    public async Task Invalid_parameters_are_refused_with_problem_details_naming_the_parameter(string query,
        string parameter)
    {
        using var response = await _system.Coordinator.GetAsync($"/api/sagas?{query}");
        await BankTransferApiTests.AssertProblem(response, parameter);
    }

    async Task<Guid> CompletedTransferAsync()
    {
        var id = await _system.StartTransferAsync("list-a", "list-b", 1m);
        Assert.Equal("Completed", (await _system.TerminalSagaAsync(id)).GetProperty("state").GetString());
        return id;
    }

    /// <summary>Starts a booking and waits until its saga is saved.</summary>
    async Task<Guid> StartBookingAsync()
    {
        var trip = Trip.New();
        using var response = await _system.Coordinator.PostAsJsonAsync("/api/travel-bookings", trip.Request());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await SagaApi.UntilAsync(_system.Coordinator, trip.BookingId, _ => true, TimeSpan.FromSeconds(30), "is saved");
        return trip.BookingId;
    }

    async Task<List<SagaItem>> ListAsync(string query)
    {
        var page = await PageAsync(query);
        Assert.Null(page.NextCursor);
        return page.Items;
    }

    async Task<SagaListPage> PageAsync(string query)
    {
        using var response = await _system.Coordinator.GetAsync($"/api/sagas?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SagaListPage>())!;
    }

    static List<Guid> Ids(List<SagaItem> items) => [.. items.Select(s => s.SagaId)];

    static string Query(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O"));

    sealed record SagaItem(Guid SagaId, string Workflow, string State, bool IsTerminal, string? Outcome,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    sealed record SagaListPage(List<SagaItem> Items, string? NextCursor);
}
