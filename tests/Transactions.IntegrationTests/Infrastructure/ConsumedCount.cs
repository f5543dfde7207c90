using MassTransit;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// Counts the messages of type <typeparamref name="T"/> a bus's endpoints consumed to the end without a fault: proof
/// that a duplicate was delivered and handled, which an empty queue is not.
/// </summary>
public sealed class ConsumedCount<T> : IConsumeMessageObserver<T>, IDisposable where T : class
{
    readonly ConnectHandle _handle;
    int _count;

    public ConsumedCount(IBus bus) => _handle = bus.ConnectConsumeMessageObserver(this);

    public int Count => Volatile.Read(ref _count);

    public Task PreConsume(ConsumeContext<T> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<T> context)
    {
        Interlocked.Increment(ref _count);
        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<T> context, Exception exception) => Task.CompletedTask;

    public void Dispose() => _handle.Disconnect();
}
