using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.SagaActions;
using Transactions.IntegrationTests.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;
using static Transactions.IntegrationTests.SagaActions.SagaActionApi;

namespace Transactions.IntegrationTests.SagaActions;

public sealed class BankTransferActionTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const string Reason = "Bank outage OPS-42: give the money back";

    [Fact]
    public async Task A_transfer_stuck_trying_is_retried_then_cancelled_by_an_operator_with_every_action_audited()
    {
        // A long Try deadline, so only the operator moves the transfer on.
        await using var system = await BankTransferSystem.StartAsync(services, tryTimeout: TimeSpan.FromMinutes(5));
        await system.OpenAccountAsync("alice", 100m);
        await system.OpenAccountAsync("bob", 0m);
        await system.StopBankAsync();
        var api = system.Coordinator;
        var sagaId = await system.StartTransferAsync("alice", "bob", 40m);
        var trying = await InStateAsync(api, sagaId, "Trying");
        Assert.Equal(["retry", "compensate"], AllowedActions(trying));

        // A dry run says what would happen and changes nothing.
        var (dryStatus, dry) = await ActAsync(api, sagaId, "compensate", Reason, dryRun: true);
        Assert.Equal(HttpStatusCode.OK, dryStatus);
        Assert.Equal("DryRun", dry.GetProperty("status").GetString());
        Assert.Contains("Cancel", dry.GetProperty("detail").GetString());
        Assert.Equal("Trying", (await SagaAsync(api, sagaId)).GetProperty("state").GetString());

        // Resolve is for sagas that need attention: a transfer never does, so 409 with what is allowed.
        var (conflictStatus, conflict) = await ActAsync(api, sagaId, "resolve", Reason);
        Assert.Equal(HttpStatusCode.Conflict, conflictStatus);
        Assert.Contains("not allowed", conflict.GetProperty("detail").GetString());
        Assert.Equal(["retry", "compensate"], conflict.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));

        // Retry resends the unanswered Trys: the attempt is counted.
        var (retryStatus, retry) = await ActAsync(api, sagaId, "retry", "Try again after the bank restarts");
        Assert.Equal(HttpStatusCode.Accepted, retryStatus);
        Assert.Equal("Requested", retry.GetProperty("status").GetString());
        Assert.Equal("Applied", (await CompletedAsync(api, sagaId, retry)).GetProperty("status").GetString());
        var retried = await SagaAsync(api, sagaId);
        Assert.Equal("Trying", retried.GetProperty("state").GetString());
        Assert.All(retried.GetProperty("steps").EnumerateArray(), s => Assert.Equal(2, s.GetProperty("attempts").GetInt32()));

        // Compensate cancels both branches; once the bank is back the transfer ends Cancelled and no money moved.
        var (compensateStatus, compensate) = await ActAsync(api, sagaId, "compensate", Reason);
        Assert.Equal(HttpStatusCode.Accepted, compensateStatus);
        Assert.Equal("Applied", (await CompletedAsync(api, sagaId, compensate)).GetProperty("status").GetString());
        await system.StartBankAsync();
        var cancelled = await system.TerminalSagaAsync(sagaId);
        Assert.Equal("Cancelled", cancelled.GetProperty("state").GetString());
        Assert.Contains(Reason, cancelled.GetProperty("outcome").GetString());
        Assert.Empty(AllowedActions(cancelled));
        await system.AssertSettledAsync("alice", 100m);
        await system.AssertSettledAsync("bob", 0m);

        // A finished transfer allows nothing.
        var (lateStatus, late) = await ActAsync(api, sagaId, "retry", Reason);
        Assert.Equal(HttpStatusCode.Conflict, lateStatus);
        Assert.Empty(late.GetProperty("allowedActions").EnumerateArray());

        // Who, when, what, why and the result of each, newest first.
        var audit = await api.GetFromJsonAsync<JsonElement[]>($"/api/sagas/{sagaId}/actions");
        Assert.Equal([("retry", "Refused", "Cancelled"), ("compensate", "Applied", "Trying"), ("retry", "Applied", "Trying"),
                ("resolve", "Refused", "Trying"), ("compensate", "DryRun", "Trying")],
            audit!.Select(a => (a.GetProperty("action").GetString(), a.GetProperty("status").GetString(),
                a.GetProperty("stateBefore").GetString())));
        Assert.All(audit!, a => Assert.Equal("test", a.GetProperty("actor").GetString()));
        Assert.Equal(Reason, audit![1].GetProperty("reason").GetString());
        Assert.All(audit!, a => Assert.NotEqual(JsonValueKind.Null, a.GetProperty("completedAt").ValueKind));
    }

    [Fact]
    public async Task An_action_that_reaches_the_saga_after_it_moved_on_is_refused_in_the_audit_log()
    {
        await using var system = await BankTransferSystem.StartAsync(services);
        await system.OpenAccountAsync("carol", 50m);
        await system.OpenAccountAsync("dave", 0m);
        var sagaId = await system.StartTransferAsync("carol", "dave", 5m);
        Assert.Equal("Completed", (await system.TerminalSagaAsync(sagaId)).GetProperty("state").GetString());

        // As if the API had checked while the transfer was still trying: the record and the command it sent.
        var actionId = NewId.NextGuid();
        await using (var scope = system.CoordinatorServices.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
            db.Add(new SagaActionRecord
            {
                ActionId = actionId, SagaId = sagaId, Workflow = BankTransferRegistration.Workflow, Action = "retry",
                Reason = "raced", Actor = "test", RequestedAt = DateTimeOffset.UtcNow, StateBefore = "Trying",
            });
            await db.SaveChangesAsync();
        }
        var bus = system.CoordinatorServices.GetRequiredService<IBus>();
        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{BankTransferRegistration.EndpointName}"));
        await endpoint.Send(new RetrySagaStep(sagaId, actionId, "test", "raced"));

        var record = await Eventually.Until(
            () => system.Coordinator.GetFromJsonAsync<JsonElement>($"/api/sagas/{sagaId}/actions/{actionId}"),
            r => r.GetProperty("status").GetString() != "Requested", TimeSpan.FromSeconds(30), "the saga handles the retry");
        Assert.Equal("Refused", record.GetProperty("status").GetString());
        Assert.Contains("Completed", record.GetProperty("detail").GetString());
        Assert.Equal("Completed", (await SagaAsync(system.Coordinator, sagaId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Bad_action_requests_get_problem_details_naming_the_field()
    {
        await using var system = await BankTransferSystem.StartAsync(services, startBank: false);
        var api = system.Coordinator;

        using var noReason = await api.PostAsJsonAsync($"/api/sagas/{Guid.NewGuid()}/actions/retry", new { dryRun = true });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));

        using var unknownAction = await api.PostAsJsonAsync($"/api/sagas/{Guid.NewGuid()}/actions/undo", new { reason = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownAction.StatusCode);
        Assert.True((await unknownAction.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("action", out _));

        using var unknownSaga = await api.PostAsJsonAsync($"/api/sagas/{Guid.NewGuid()}/actions/retry", new { reason = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknownSaga.StatusCode);
        Assert.Equal("application/problem+json", unknownSaga.Content.Headers.ContentType?.MediaType);

        using var badCursor = await api.GetAsync("/api/audit?cursor=not-a-cursor");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }
}
