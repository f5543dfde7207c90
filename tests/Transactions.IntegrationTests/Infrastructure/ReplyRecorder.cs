using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// A bus of the test's own on the class's vhost that sends participants their commands and records every reply of
/// the types it was given, in place of the coordinator.
/// </summary>
public sealed class ReplyRecorder : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    ReplyRecorder(ServiceProvider provider) => _provider = provider;

    public ConcurrentQueue<object> Replies => _provider.GetRequiredService<ConcurrentQueue<object>>();

    public IBus Bus => _provider.GetRequiredService<IBus>();

    /// <param name="services">The class's vhost.</param>
    /// <param name="queue">The recorder's own queue, bound to the published reply types.</param>
    /// <param name="replyTypes">The replies to record.</param>
    public static async Task<ReplyRecorder> StartAsync(IsolatedServices services, string queue, params Type[] replyTypes)
    {
        var provider = new ServiceCollection()
            .AddSingleton(new ConcurrentQueue<object>())
            .AddMassTransit(x =>
            {
                foreach (var type in replyTypes)
                    x.AddConsumer(typeof(RecordingConsumer<>).MakeGenericType(type)).Endpoint(e => e.Name = queue);
                x.UsingRabbitMq((context, cfg) =>
                {
                    services.ConfigureHost(cfg);
                    cfg.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider();
        var recorder = new ReplyRecorder(provider);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await provider.GetRequiredService<IBusControl>().StartAsync(timeout.Token);
        return recorder;
    }

    public async Task SendAsync<T>(string queue, T command, Guid? messageId = null) where T : class
    {
        var endpoint = await Bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(command, context =>
        {
            if (messageId is { } id)
                context.MessageId = id;
        });
    }

    public IEnumerable<T> Of<T>() => Replies.OfType<T>();

    public async ValueTask DisposeAsync()
    {
        await _provider.GetRequiredService<IBusControl>().StopAsync(TimeSpan.FromSeconds(30));
        await _provider.DisposeAsync();
    }
}

/// <summary>Records each <typeparamref name="T"/> it receives in the recorder's list.</summary>
public sealed class RecordingConsumer<T>(ConcurrentQueue<object> replies) : IConsumer<T> where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        replies.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}
