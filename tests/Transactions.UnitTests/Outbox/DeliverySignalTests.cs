using Transactions.Outbox.Delivery;

namespace Transactions.UnitTests.Outbox;

public sealed class DeliverySignalTests
{
    [Fact]
    public async Task A_signal_set_before_the_wait_is_not_lost()
    {
        var signal = new DeliverySignal();
        signal.Set();

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
    }

    [Fact]
    public async Task A_burst_of_signals_wakes_one_round_then_waiting_times_out()
    {
        var signal = new DeliverySignal();
        for (var i = 0; i < 100; i++)
            signal.Set();

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task A_signal_taken_by_another_waiter_still_shows_in_the_version()
    {
        var signal = new DeliverySignal();
        var before = signal.Version;
        signal.Set();
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.NotEqual(before, signal.Version);
    }
}
