using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Transactions.ServiceDefaults.Configuration;
using Transactions.ServiceDefaults.Health;

namespace Transactions.ServiceDefaults.Messaging;

public static class BusRegistration
{
    /// <summary>
    /// Registers MassTransit on RabbitMQ from <see cref="RabbitMqOptions"/> with publisher confirms, kebab-case endpoint
    /// names and bounded retries with backoff before a message goes to its <c>_error</c> queue.
    /// </summary>
    public static IHostApplicationBuilder AddTransactionsBus(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> configure,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        builder.Services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        builder.Services.AddSingleton<BrokerHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: [HealthEndpoints.ReadyTag]);
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // A bus that is starting or reconnecting is not ready (readiness answers 503 for Degraded too), but it is
            // no failure to log on every probe: the broker check says Unhealthy when the broker is unreachable.
            x.ConfigureHealthCheckOptions(o => o.MinimalFailureStatus = HealthStatus.Degraded);
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                if (context.GetRequiredService<IOptions<RabbitMqOptions>>().Value.QueueType == QueueType.Quorum)
                    QuorumQueues.Declare(endpoint);
            });
            configure(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                var nodes = options.Nodes();
                cfg.Host(nodes[0].HostName, (ushort)nodes[0].Port, options.VirtualHost, h =>
                {
                    h.Username(options.Username);
                    h.Password(options.Password);
                    // Connects to the first node that answers, and to another when the one in use dies.
                    if (nodes.Count > 1)
                        h.UseCluster(c =>
                        {
                            foreach (var node in nodes)
                                c.Node($"{node.HostName}:{node.Port}");
                        });
                    h.PublisherConfirmation = true;
                    h.RequestedConnectionTimeout(TimeSpan.FromSeconds(10));
                });
                cfg.PrefetchCount = options.PrefetchCount;
                // Transient faults (a deadlock, a lost connection) retry in place; what still fails goes to _error. A
                // message that can never succeed goes there at once.
                cfg.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5),
                    TimeSpan.FromMilliseconds(200)).Ignore<InvalidMessageException>());
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            // Start without waiting for the broker: readiness reports it, and the bus reconnects by itself.
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}
