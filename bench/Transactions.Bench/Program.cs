using Transactions.Bench;
using Transactions.Bench.BarrierPurge;
using Transactions.Bench.Outbox;
using Transactions.Bench.Reconcile;
using Transactions.Bench.Startup;
using Transactions.Bench.Transfers;

// dotnet run -c Release --project bench/Transactions.Bench -- <mode> [options]
// Each mode lives in its own folder and reads RABBITMQ_URL, RABBITMQ_MANAGEMENT_URL and POSTGRES_URL.
var options = BenchOptions.Parse(args.Skip(1));
return args.FirstOrDefault() switch
{
    "outbox" => await OutboxBench.RunAsync(options),
    "transfers" => await TransfersBench.RunAsync(options),
    "reconcile" => await ReconcileBench.RunAsync(args.Skip(1).ToArray()),
    "barrier-purge" => await BarrierPurgeBench.RunAsync(options),
    "startup" => await StartupBench.RunAsync(options),
    _ => BenchOptions.Usage("modes: outbox [--messages N] [--warmup W] [--warmup-seconds S] [--rate R] [--writers W] [--per-commit M] [--batch B] [--drain N] | " +
                            "transfers [--transfers N] [--warmup W] [--warmup-seconds S] [--concurrency C] [--in-flight F] [--accounts A] [--prefetch P] [--outbox-poll-ms T] [--seed-finished N] [--coordinators K] | " +
                            "reconcile [--rows 1000000,100000] [--stuck 1000] [--repeat 5] | " +
                            "barrier-purge [--rows 1000000] [--workers 4] [--batch 1000] [--baseline-seconds 20] | " +
                            "startup [--starts 3] [--idle-seconds 60] [--dll path] [--largest 12]"),
};
