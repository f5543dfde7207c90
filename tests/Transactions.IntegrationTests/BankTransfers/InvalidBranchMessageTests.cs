using System.Net.Http.Json;
using System.Text.Json;
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

        await sender.SendAsync(BankParticipant.DebitEndpoint, new TryDebit(Guid.NewGuid(), Guid.NewGuid(), "a", 10m, "EUR"));

        var errorQueue = BankParticipant.DebitEndpoint + "_error";
        await Eventually.Until(() => services.QueueDepthAsync(errorQueue), n => n == 1, Timeout,
            "the message is in the error queue");
        var headers = await PeekHeadersAsync(errorQueue);
        Assert.Contains("branchId must be a version 7 UUID", headers.GetProperty("MT-Fault-Message").GetString());
        // MassTransit records retries in MT-Fault-RetryCount; a message that was never retried has none.
        Assert.False(headers.TryGetProperty("MT-Fault-RetryCount", out var retries), $"retried {retries}");
        var account = await system.AccountAsync("a");
        Assert.Equal(100m, account.GetProperty("available").GetDecimal());
    }

    /// <summary>The headers of the first message of <paramref name="queue"/>, which stays in the queue.</summary>
    async Task<JsonElement> PeekHeadersAsync(string queue)
    {
        using var response = await services.Management.PostAsJsonAsync(
            $"api/queues/{services.VirtualHost}/{queue}/get",
            new { count = 1, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonElement>();
        return messages[0].GetProperty("properties").GetProperty("headers");
    }
}
