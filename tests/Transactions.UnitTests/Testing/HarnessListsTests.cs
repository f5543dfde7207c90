using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Transactions.UnitTests.Participants;

namespace Transactions.UnitTests.Testing;

/// <summary>
/// The waits of <see cref="HarnessLists"/> still see what arrives after the harness has declared itself inactive,
/// which is what a test's first publish meets when the machine is slow to get to it after <c>Start</c>.
/// </summary>
public sealed class HarnessListsTests : IAsyncLifetime
{
    readonly ServiceProvider _provider = new ServiceCollection()
        .AddMassTransitTestHarness(x => x.AddConsumer<HoldConsumer>())
        .BuildServiceProvider(true);

    ITestHarness Harness => _provider.GetRequiredService<ITestHarness>();

    [Fact]
    public async Task A_message_published_after_the_harness_went_idle_is_still_waited_for()
    {
        await Eventually.Until(() => Task.FromResult(Harness.InactivityToken.IsCancellationRequested),
            TimeSpan.FromSeconds(10), "the harness declared itself inactive");

        var (order, branch) = (Guid.NewGuid(), Guid.CreateVersion7());
        await Harness.Bus.Publish(new TryHold(order, branch, "a seat"));

        var consumed = await Harness.Consumed.ConsumedAsync<TryHold>(m => m.BranchId == branch);
        Assert.Null(Assert.Single(consumed).Exception);
        Assert.Equal(new HoldTried(order, branch), await Harness.Published.PublishedAsync<HoldTried>(m => m.BranchId == branch));
    }

    public Task InitializeAsync() => Harness.Start();

    public async Task DisposeAsync() => await _provider.DisposeAsync();
}
