using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Transactions.IntegrationTests.Dashboard;

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardSystem>
{
    public const string Name = "Dashboard";
}

/// <summary>What an operator reads on the dashboard in headless Chromium: sagas, one saga, reports, the outbox.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardReadTests(DashboardSystem system)
{
    [Fact]
    public async Task The_sagas_list_shows_started_sagas_its_filters_narrow_it_and_it_pages()
    {
        await system.StartBankAsync();
        var completed = await system.StartTransferAsync(5m);
        await system.InStateAsync(completed, "Completed");
        await system.StopBankAsync();
        var stuck = await system.StartTransferAsync(7m);
        await system.InStateAsync(stuck, "Trying");
        var booking = await system.StartTravelBookingAsync();
        await system.InStateAsync(booking, "BookingFlight");

        // Without a key the page says what is wrong and what to do.
        var page = await system.OpenDashboardAsync(key: null);
        await Expect(page.Locator("#notice")).ToContainTextAsync("401 Unauthorized");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Enter a valid API key");

        await page.GetByLabel("API key").FillAsync(DashboardSystem.Reader.Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        var list = page.Locator("#saga-list");
        foreach (var id in new[] { completed, stuck, booking })
            await Expect(list).ToContainTextAsync(id.ToString());
        await Expect(page.Locator("#saga-counts")).ToContainTextAsync("travel-booking");
        await Expect(page.Locator("#saga-counts")).ToContainTextAsync("BookingFlight");

        var filters = page.Locator("#saga-filters");
        await filters.GetByLabel("Workflow").SelectOptionAsync("travel-booking");
        await filters.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(list).ToContainTextAsync(booking.ToString());
        await Expect(list).Not.ToContainTextAsync(stuck.ToString());

        await filters.GetByLabel("Workflow").SelectOptionAsync("bank-transfer");
        await filters.GetByLabel("Finished").SelectOptionAsync("finished");
        await filters.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(list).ToContainTextAsync(completed.ToString());
        await Expect(list).Not.ToContainTextAsync(stuck.ToString());
        await Expect(list).Not.ToContainTextAsync(booking.ToString());

        // One saga a page: "Next page" shows another one.
        await page.GetByRole(AriaRole.Link, new() { Name = "Clear" }).ClickAsync();
        await filters.GetByLabel("Per page").FillAsync("1");
        await filters.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(list.Locator("tbody tr")).ToHaveCountAsync(1);
        var first = await list.Locator("tbody tr").InnerTextAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(list.Locator("tbody tr")).Not.ToHaveTextAsync(first);
        await Expect(list.Locator("tbody tr")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_saga_page_shows_its_steps_and_transitions_and_a_reader_is_refused_its_actions()
    {
        var stuck = await system.StartTransferAsync(3m);
        await system.InStateAsync(stuck, "Trying");

        var page = await system.OpenDashboardAsync(DashboardSystem.Reader, $"#/sagas/{stuck}");
        await Expect(page.Locator("#saga-facts")).ToContainTextAsync("Trying");
        var steps = page.Locator("#saga-steps");
        await Expect(steps.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(steps).ToContainTextAsync("debit");
        await Expect(steps).ToContainTextAsync("credit");
        await Expect(page.Locator("#saga-history li").First).ToContainTextAsync(new Regex("Initial\\s*→\\s*Trying"));

        // The reader sees what is allowed; the API refuses it the action, and the dialog says why.
        await page.GetByRole(AriaRole.Button, new() { Name = "Compensate…" }).ClickAsync();
        var dialog = page.Locator("#action-dialog");
        await dialog.GetByLabel("Reason").FillAsync("Just looking");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        await Expect(dialog.Locator(".problem")).ToContainTextAsync("403 Forbidden");
        await Expect(dialog.Locator(".problem")).ToContainTextAsync("'auditor' lacks the role");
        await Expect(dialog.Locator(".problem")).ToContainTextAsync("operator role");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" })).ToBeDisabledAsync();
    }

    [Fact]
    public async Task A_reconciliation_dry_run_started_from_the_page_shows_its_report_and_the_outbox_shows_its_backlog()
    {
        // Other tests of the collection run reconciliation too: this one counts its own runs.
        var runsBefore = (await system.Api.GetFromJsonAsync<JsonElement>("/api/reconciliation/runs?limit=200")).GetArrayLength();
        var page = await system.OpenDashboardAsync(DashboardSystem.Operator, "#/reconciliation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run now" }).ClickAsync();

        await Expect(page.Locator("#run-facts")).ToContainTextAsync("Completed", new() { Timeout = 60_000 });
        await Expect(page.Locator("#run-facts")).ToContainTextAsync("dry run (reports only)");
        foreach (var check in new[] { "outbox", "sagas", "error-queues", "bank-consistency" })
            await Expect(page.Locator("#run-examined")).ToContainTextAsync(check);
        await Expect(page.Locator("#run-actions")).ToContainTextAsync("a dry run repairs nothing");

        // A real run asks for confirmation first.
        await page.GetByRole(AriaRole.Link, new() { Name = "All reports" }).ClickAsync();
        await Expect(page.Locator("#run-list")).ToContainTextAsync("dry run");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run and repair…" }).ClickAsync();
        var confirm = page.Locator("#confirm-dialog");
        await Expect(confirm).ToContainTextAsync("repair what it finds?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator("#run-facts")).ToContainTextAsync("repair", new() { Timeout = 60_000 });
        await Expect(page.Locator("#run-facts")).ToContainTextAsync("Completed", new() { Timeout = 60_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Reconciliation", Exact = true }).ClickAsync();
        await Expect(page.Locator("#run-list tbody tr")).ToHaveCountAsync(runsBefore + 2);

        await page.GetByRole(AriaRole.Link, new() { Name = "Outbox" }).ClickAsync();
        await Expect(page.Locator("#outbox-count")).ToHaveTextAsync(new Regex("^\\d+$"));
        await Expect(page.Locator("#outbox-age")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#outbox-dead-letters")).ToHaveTextAsync("0");
    }
}
