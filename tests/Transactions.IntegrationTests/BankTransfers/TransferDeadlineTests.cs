using System.Text.Json;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.BankTransfers;

public sealed class TransferDeadlineTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task The_try_deadline_fires_after_a_coordinator_restart_and_cancels_are_resent_until_the_bank_answers()
    {
        await using var system = await BankTransferSystem.StartAsync(services, tryTimeout: TimeSpan.FromSeconds(6));
        await system.OpenAccountAsync("gina", 50m);
        await system.OpenAccountAsync("hank", 0m);
        await system.StopBankAsync();

        var sagaId = await system.StartTransferAsync("gina", "hank", 20m);
        var trying = await SagaWhere(system, sagaId, s => s.GetProperty("state").GetString() == "Trying", "Trying");
        var deadline = trying.GetProperty("deadlineAt").GetDateTimeOffset();

        // The coordinator is down when the deadline passes: only the deadline stored in its database remains.
        await system.StopCoordinatorAsync();
        var stoppedAt = DateTimeOffset.UtcNow;
        Assert.True(stoppedAt < deadline, $"the coordinator stopped at {stoppedAt:O}, after the deadline {deadline:O}");
        await Eventually.Until(() => Task.FromResult(DateTimeOffset.UtcNow > deadline.AddSeconds(1)),
            TimeSpan.FromSeconds(30), "the Try deadline has passed while the coordinator is down");
        await system.StartCoordinatorAsync();

        // The restarted coordinator fires it and keeps resending the Cancels while the bank is down.
        var cancelling = await SagaWhere(system, sagaId, s => s.GetProperty("state").GetString() == "Cancelling"
            && s.GetProperty("steps").EnumerateArray().Any(step => step.GetProperty("phase").GetString() == "cancel"
                && step.GetProperty("attempts").GetInt32() >= 3), "Cancelling with resent cancels");
        Assert.Contains("deadline", cancelling.GetProperty("outcome").GetString());
        // Fired by the restarted coordinator, not by the first one before it stopped.
        var fired = Assert.Single(cancelling.GetProperty("history").EnumerateArray(),
            h => h.GetProperty("to").GetString() == "Cancelling" && h.GetProperty("event").GetString() == "DeadlinePassed");
        Assert.True(fired.GetProperty("at").GetDateTimeOffset() > stoppedAt,
            $"the deadline fired at {fired.GetProperty("at")}, before the coordinator stopped at {stoppedAt:O}");

        await system.StartBankAsync();
        var done = await system.TerminalSagaAsync(sagaId);
        Assert.Equal("Cancelled", done.GetProperty("state").GetString());
        await system.AssertSettledAsync("gina", 50m);
        await system.AssertSettledAsync("hank", 0m);
    }

    static Task<JsonElement> SagaWhere(BankTransferSystem system, Guid sagaId, Func<JsonElement, bool> condition,
        string what) =>
        SagaApi.UntilAsync(system.Coordinator, sagaId, condition, TimeSpan.FromSeconds(40), $"is {what}");
}
