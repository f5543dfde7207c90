using Transactions.Contracts.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Participants.Sample.Bank;

namespace Transactions.IntegrationTests.BankTransfers;

/// <summary>
/// A branch message that can never succeed goes to the bank's <c>_error</c> queue at once, its reason naming the field
/// at fault, instead of being retried five times first.
/// </summary>
public sealed class InvalidBranchMessageTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_branch_id_that_is_not_a_version_7_uuid_goes_to_error_at_once_naming_the_field()
    {
        await using var system = await BankTransferSystem.StartAsync(services);
        await system.OpenAccountAsync("a", 100m);
        await using var sender = await ReplyRecorder.StartAsync(services, "invalid-sender");

        var messageId = Guid.CreateVersion7();
        await sender.SendAsync(BankParticipant.DebitEndpoint, new TryDebit(Guid.NewGuid(), Guid.NewGuid(), "a", 10m, "EUR"),
            messageId);

        var fault = (await ErrorQueueMessages.UntilHoldingAsync(services, BankParticipant.DebitEndpoint + "_error", 1,
            Timeout))[messageId];
        Assert.Contains("branchId must be a version 7 UUID", fault.Reason);
        Assert.Equal(0, fault.Retries);
        var account = await system.AccountAsync("a");
        Assert.Equal(100m, account.GetProperty("available").GetDecimal());
    }
}
