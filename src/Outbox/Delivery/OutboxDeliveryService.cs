using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Transactions.Outbox.Dispatch;

namespace Transactions.Outbox.Delivery;

/// <summary>
/// Moves committed outbox rows of <typeparamref name="TDbContext"/> to the broker. Wakes on NOTIFY (or the polling
/// fallback), runs rounds back to back while batches come back full, and backs off exponentially with jitter while
/// the broker (or the database) is unavailable, resuming by itself when it returns.
/// </summary>
sealed class OutboxDeliveryService<TDbContext>(IServiceProvider services, IBusControl bus,
    IOptions<PostgresOutboxOptions> options, OutboxWakeup<TDbContext> wakeup, OutboxDispatcher<TDbContext> dispatcher,
    ConversationBackoff<TDbContext> backoff,
    OutboxMetrics metrics, TimeProvider time, ILogger<OutboxDeliveryService<TDbContext>> logger)
    : BackgroundService
    where TDbContext : DbContext
{
    readonly PostgresOutboxOptions _options = options.Value;
    readonly DeliverySignal _signal = wakeup.Signal;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.DeliveryEnabled)
        {
            logger.LogInformation("Outbox delivery is disabled in this process (Outbox:DeliveryEnabled)");
            return;
        }
        string connectionString;
        await using (var scope = services.CreateAsyncScope())
            connectionString = scope.ServiceProvider.GetRequiredService<TDbContext>().Database.GetConnectionString()
                ?? throw new InvalidOperationException($"{typeof(TDbContext).Name} has no connection string.");

        var listener = new OutboxNotificationListener(connectionString, _options, _signal, wakeup.InstanceId,
            () =>
            {
                // Rows another instance wrote are left to it for the grace period: look again once that has passed.
                if (dispatcher.Enabled)
                    dispatcher.WakeDeliveryAfterGrace();
            }, time, logger);
        var round = new DeliveryRound<TDbContext>(services, bus, _options, dispatcher,
            backoff, metrics, time, logger);
        var pipeline = BuildRetryPipeline();

        await WaitForBusAsync(stoppingToken);
        var loops = Enumerable.Range(0, _options.DeliveryConcurrency)
            .Select(_ => DeliverUntilStoppedAsync(round, pipeline, stoppingToken))
            .Append(listener.RunAsync(stoppingToken));
        await Task.WhenAll(loops);
    }

    /// <summary>
    /// Lets this process's receive endpoints bind their queues first: a message published to an exchange nobody is
    /// bound to yet is dropped by RabbitMQ. Bounded, because a broker that is away is handled by the retries.
    /// </summary>
    async Task WaitForBusAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.BusReadyTimeout);
        try
        {
            await bus.WaitForHealthStatus(BusHealthStatus.Healthy, timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("The bus was not healthy within {Timeout}; delivering anyway", _options.BusReadyTimeout);
        }
    }

    async Task DeliverUntilStoppedAsync(DeliveryRound<TDbContext> round, ResiliencePipeline pipeline,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var signalsBefore = _signal.Version;
                var result = await pipeline.ExecuteAsync(async token =>
                {
                    var r = await round.RunAsync(token);
                    // Nothing at all got through: the broker is most likely down, so back off instead of spinning.
                    if (r.Taken > 0 && r.Removed == 0)
                        throw new OutboxDeliveryException(r.Taken, r.Failure);
                    return r;
                }, stoppingToken);

                if (result.Failure is not null)
                    logger.LogWarning("Outbox delivered {Removed} of {Taken} messages; the rest wait for the next round: {Error}",
                        result.Removed, result.Taken, result.Failure.Message);

                if (result.Taken == _options.DeliveryBatchSize && result.Failure is null)
                {
                    // A full batch means more is waiting: go again, and wake a sibling loop to share the backlog.
                    _signal.Set();
                    continue;
                }
                // A commit during the round may have come after the round read its rows, and the sibling loop it woke
                // may have found that commit's conversation locked by this round and gone back to sleep: look again.
                var signalled = _signal.Version != signalsBefore
                    || await _signal.WaitAsync(_options.PollingInterval, stoppingToken);
                if (signalled && _options.DeliveryLinger > TimeSpan.Zero)
                    await Task.Delay(_options.DeliveryLinger, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    ResiliencePipeline BuildRetryPipeline() => new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            // Unbounded attempts on purpose: delivery must resume whenever the broker returns. Each wait is bounded
            // by RetryMaxDelay, and the stopping token ends the retries at shutdown.
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.RetryBaseDelay,
            MaxDelay = _options.RetryMaxDelay,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            OnRetry = args =>
            {
                logger.LogWarning("Outbox delivery attempt {Attempt} failed, retrying in {Delay}: {Error}",
                    args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message);
                return ValueTask.CompletedTask;
            },
        })
        .Build();
}
