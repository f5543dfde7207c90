using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Contracts.TravelBookings;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.TravelBookings;

/// <summary>
/// A bus of the test's own on the class's vhost that sends participants their commands and records every flight
/// reply it receives, in place of the coordinator.
/// </summary>
public sealed class ReplyRecorder : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    ReplyRecorder(ServiceProvider provider) => _provider = provider;

    public ConcurrentQueue<object> Replies => _provider.GetRequiredService<ConcurrentQueue<object>>();

    public IBus Bus => _provider.GetRequiredService<IBus>();

    public static async Task<ReplyRecorder> StartAsync(IsolatedServices services)
    {
        var provider = new ServiceCollection()
            .AddSingleton(new ConcurrentQueue<object>())
            .AddMassTransit(x =>
            {
                x.AddConsumer<FlightReplyConsumer>().Endpoint(e => e.Name = "flight-replies");
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

public sealed class FlightReplyConsumer(ConcurrentQueue<object> replies)
    : IConsumer<FlightReserved>, IConsumer<FlightReservationFailed>, IConsumer<FlightCancelled>
{
    public Task Consume(ConsumeContext<FlightReserved> context) => Record(context.Message);
    public Task Consume(ConsumeContext<FlightReservationFailed> context) => Record(context.Message);
    public Task Consume(ConsumeContext<FlightCancelled> context) => Record(context.Message);

    Task Record(object reply)
    {
        replies.Enqueue(reply);
        return Task.CompletedTask;
    }
}
