using System.Globalization;
using System.Text.RegularExpressions;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Plumbing;

/// <summary>A service gives back the memory its start-up used once it has settled, so that it idles smaller.</summary>
public sealed class StartupMemoryTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly Regex Report = new(@"GC heap committed (?<before>[\d.]+) -> (?<after>[\d.]+) MB");

    [Fact]
    public async Task A_started_coordinator_gives_back_the_garbage_heap_its_start_up_left()
    {
        var settings = services.BrokerSettings();
        settings["Database:MigrateOnStartup"] = "true";
        settings["ConnectionStrings:Coordinator"] = await services.CreateDatabaseAsync("memory");

        // A process of its own: the collection it reports is its own, not the test host's.
        await using var coordinator = await RunningService.StartAsync(ServiceProcess.Coordinator, settings);
        var line = await Eventually.Until(() => Task.FromResult(coordinator.Lines.FirstOrDefault(Report.IsMatch)),
            found => found is not null, TimeSpan.FromSeconds(60), "the coordinator says what start-up memory it gave back");

        var report = Report.Match(line!);
        var before = double.Parse(report.Groups["before"].Value, CultureInfo.InvariantCulture);
        var after = double.Parse(report.Groups["after"].Value, CultureInfo.InvariantCulture);
        Assert.True(after < before, $"GC heap committed {before} MB before and {after} MB after giving memory back");
    }
}
