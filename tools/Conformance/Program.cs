using Transactions.Conformance;

// dotnet run --project tools/Conformance -- --help
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await ConformanceKit.RunAsync(args, Console.Out, Console.Error, stop.Token);
