using Microsoft.Extensions.Options;
using Quartz;
using Transactions.Coordinator.Reconciliation.Checks;
using Transactions.ServiceDefaults.Configuration;

namespace Transactions.Coordinator.Reconciliation;

public static class ReconciliationRegistration
{
    public static IHostApplicationBuilder AddReconciliation(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ReconciliationOptions>(ReconciliationOptions.Section);
        services.AddSingleton<ReconciliationRunner>();
        services.AddSingleton<ReconciliationRequests>();
        services.AddHttpClient();
        services.AddSingleton<IReconciliationCheck, StaleOutboxCheck>();
        services.AddSingleton<IReconciliationCheck, StuckSagaCheck>();
        services.AddSingleton<IReconciliationCheck, ErrorQueueCheck>();
        services.AddSingleton<IReconciliationCheck, BankConsistencyCheck>();

        var schedule = builder.Configuration.GetSection(ReconciliationOptions.Section).Get<ReconciliationOptions>()
                       ?? new ReconciliationOptions();
        services.AddQuartz(q =>
        {
            if (!schedule.ScheduleEnabled)
                return;
            q.AddJob<ReconciliationJob>(j => j.WithIdentity(ReconciliationJob.Key));
            q.AddTrigger((sp, t) => t.ForJob(ReconciliationJob.Key).StartNow().WithSimpleSchedule(s => s
                .WithInterval(sp.GetRequiredService<IOptions<ReconciliationOptions>>().Value.Period).RepeatForever()));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
