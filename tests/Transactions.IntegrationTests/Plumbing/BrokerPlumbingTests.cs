using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Plumbing;

public sealed class BrokerPlumbingTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    public sealed record PlumbingPing(Guid PingId);

    sealed class PingConsumer(TaskCompletionSource<Guid> received) : IConsumer<PlumbingPing>
    {
        public Task Consume(ConsumeContext<PlumbingPing> context)
        {
            received.TrySetResult(context.Message.PingId);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_message_published_with_publisher_confirms_is_consumed_from_the_real_broker()
    {
        var received = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var provider = new ServiceCollection()
            .AddSingleton(received)
            .AddMassTransit(x =>
            {
                x.AddConsumer<PingConsumer>();
                x.UsingRabbitMq((context, cfg) =>
                {
                    services.ConfigureHost(cfg);
                    cfg.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try
        {
            var pingId = Guid.NewGuid();
            await bus.Publish(new PlumbingPing(pingId));

            var consumed = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(pingId, consumed);

            // The broker itself reports the publishing channel in confirm mode (its statistics lag a few seconds).
            await Eventually.Until(async () =>
            {
                var channels = await services.Management.GetFromJsonAsync<JsonElement>(
                    $"api/vhosts/{services.VirtualHost}/channels");
                // A channel listed before the management plugin sampled its details has no "confirm" yet: poll on.
                return channels.EnumerateArray().Any(c => c.TryGetProperty("confirm", out var confirm) && confirm.GetBoolean());
            }, TimeSpan.FromSeconds(30), "the broker lists a channel in confirm mode");
        }
        finally
        {
            await bus.StopAsync(TimeSpan.FromSeconds(30));
        }
    }
}
