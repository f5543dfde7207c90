using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RabbitMQ.Client;
using Transactions.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Transactions.IntegrationTests.Dashboard;

/// <summary>Manual actions through the dashboard's confirmation dialog, in headless Chromium.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardActionTests(DashboardSystem system)
{
    // Markup in the reason must show as text: the dashboard never reads server text as HTML.
    const string Reason = "Bank outage <b>OPS-77</b>: customer asked to cancel";

    [Fact]
    public async Task An_operator_dry_runs_then_confirms_a_compensation_and_a_stale_page_is_told_it_is_no_longer_allowed()
    {
        var transfer = await system.StartTransferAsync(40m);
        await system.InStateAsync(transfer, "Trying");
        var page = await system.OpenDashboardAsync(DashboardSystem.Operator, $"#/sagas/{transfer}");
        // A second operator's tab, opened before the first one acts.
        var stale = await system.OpenDashboardAsync(DashboardSystem.Operator, $"#/sagas/{transfer}");
        await Expect(stale.GetByRole(AriaRole.Button, new() { Name = "Compensate…" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Compensate…" }).ClickAsync();
        var dialog = page.Locator("#action-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        var confirm = dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" });
        await Expect(confirm).ToBeDisabledAsync();

        // No reason, no request.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        await Expect(dialog.Locator("#action-result")).ToContainTextAsync("A reason is required");

        // The dry run says what would happen and changes nothing; only then may the operator confirm.
        await dialog.GetByLabel("Reason").FillAsync(Reason);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        var result = dialog.Locator("#action-result");
        await Expect(result).ToContainTextAsync("Dry run: nothing was changed");
        await Expect(result).ToContainTextAsync("Cancel the transfer");
        await Expect(page.Locator("#saga-facts")).ToContainTextAsync("Trying");

        await confirm.ClickAsync();
        await Expect(result.Locator(".record")).ToHaveAttributeAsync("data-status", "Applied", new() { Timeout = 45_000 });
        await Expect(result).ToContainTextAsync("Applied by the saga");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // The page behind the dialog was read again: the transfer is cancelling, and the audit list says who and why.
        await Expect(page.Locator("#saga-facts")).ToContainTextAsync("Cancelling");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Compensate…" })).ToHaveCountAsync(0);
        var audit = page.Locator("table.audit tbody tr");
        await Expect(audit).ToHaveCountAsync(2);
        await Expect(audit.First).ToContainTextAsync("compensate");
        await Expect(audit.First).ToContainTextAsync("Applied");
        await Expect(audit.First).ToContainTextAsync(DashboardSystem.Operator.Name);
        await Expect(audit.First).ToContainTextAsync(Reason);
        await Expect(audit.First.Locator("b")).ToHaveCountAsync(0);
        await Expect(audit.Nth(1)).ToContainTextAsync("compensate (dry run)");

        // The other tab still offers Compensate: the API refuses it with 409, and the tab shows what is allowed now.
        await stale.GetByRole(AriaRole.Button, new() { Name = "Compensate…" }).ClickAsync();
        var staleDialog = stale.Locator("#action-dialog");
        await staleDialog.GetByLabel("Reason").FillAsync("Cancel it too");
        await staleDialog.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        var problem = staleDialog.Locator(".problem");
        await Expect(problem).ToContainTextAsync("409 Action not allowed");
        await Expect(problem).ToContainTextAsync(new Regex("compensate is not allowed for a bank-transfer saga in state Cancelling"));
        await staleDialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(stale.Locator("#saga-facts")).ToContainTextAsync("Cancelling");
        await Expect(stale.GetByRole(AriaRole.Button, new() { Name = "Compensate…" })).ToHaveCountAsync(0);

        // The audit log over all sagas shows the refused request too.
        await stale.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var log = stale.Locator("table.audit");
        await Expect(log).ToContainTextAsync("Refused");
        await Expect(log).ToContainTextAsync("Cancel it too");
        await Expect(log).ToContainTextAsync(transfer.ToString());
    }

    [Fact]
    public async Task A_requeue_of_an_error_message_older_than_the_inbox_retention_is_shown_refused_until_forced()
    {
        const string queue = "dashboard-age-probe";
        await using var connection = await system.Services.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await ErrorQueueMessages.PutAsync(channel, queue, DateTime.UtcNow.AddDays(-8));
        var page = await system.OpenDashboardAsync(DashboardSystem.Operator, "#/reconciliation");

        await page.GetByLabel("also move error queue messages back to their queues").CheckAsync();
        await RepairAsync(page);
        var refused = page.Locator("#run-actions tr", new() { HasText = "refused" });
        await Expect(refused).ToContainTextAsync($"kept 1 message(s) in {queue}_error");
        await Expect(refused).ToContainTextAsync("inbox retention");
        await Expect(refused).ToContainTextAsync("force=true");
        Assert.Equal(1u, await channel.MessageCountAsync(queue + "_error"));

        await page.GetByRole(AriaRole.Link, new() { Name = "All reports" }).ClickAsync();
        await page.GetByLabel("also move error queue messages back to their queues").CheckAsync();
        await page.GetByLabel("even those older than the inbox retention").CheckAsync();
        await RepairAsync(page);
        await Expect(page.Locator("#run-actions")).ToContainTextAsync($"moved 1 message(s) back to {queue}");
        await Expect(page.Locator("#run-actions tr", new() { HasText = "refused" })).ToHaveCountAsync(0);
        Assert.Equal((1u, 0u), (await channel.MessageCountAsync(queue), await channel.MessageCountAsync(queue + "_error")));
    }

    /// <summary>Starts a real run from the reconciliation page, confirms it, and waits for its report.</summary>
    static async Task RepairAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Run and repair…" }).ClickAsync();
        await page.Locator("#confirm-dialog").GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator("#run-facts")).ToContainTextAsync("Completed", new() { Timeout = 60_000 });
    }
}
