using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using Transactions.ServiceDefaults.Configuration;

namespace Transactions.Coordinator.Deadlines;

public static class SagaDeadlineRegistration
{
    /// <summary>
    /// The durable deadline driver of every registered workflow: a Quartz job polling the sagas' indexed
    /// <c>deadline_at</c> every <see cref="SagaDeadlineOptions.PollInterval"/> (<c>SagaDeadlines</c> section).
    /// </summary>
    public static IServiceCollection AddSagaDeadlines(this IServiceCollection services)
    {
        services.AddValidatedOptions<SagaDeadlineOptions>(SagaDeadlineOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DeadlineNotifications>();
        services.AddQuartz(q => q.ScheduleJob<SagaDeadlineJob>(
            (provider, trigger) => trigger.WithIdentity("saga-deadlines").StartNow().WithSimpleSchedule(
                provider.GetRequiredService<IOptions<SagaDeadlineOptions>>().Value.PollInterval),
            (_, job) => job.WithIdentity("saga-deadlines")));
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
