using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.Scripts;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// The participant docs/participants.md builds step by step (<c>samples/dotnet-seats</c>), run as a process of its own
/// on a fresh database, passes every check of the kit with the message set the guide gives: the guide's code works as
/// the guide says.
/// </summary>
public sealed class SampleSeatsConformanceTests(IsolatedServices services, ITestOutputHelper output)
    : IClassFixture<IsolatedServices>
{
    const string Show = "kit";

    static string MessageSet => Path.Combine(RunScript.RepositoryRoot(), "samples", "dotnet-seats", "seats.json");

    [Fact]
    public async Task The_participant_of_the_guide_passes_every_check_of_the_kit()
    {
        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Seats"] = await services.CreateDatabaseAsync("seats");
        settings["Database:MigrateOnStartup"] = "true";
        await using var seats = await RunningService.StartAsync("Shop.Seats.dll", settings);
        using (var onSale = await seats.Client.PutAsync($"/shows/{Show}?free=1000", null))
            onSale.EnsureSuccessStatusCode();

        var run = await KitRun.InProcessAsync(services, "--message-set", MessageSet, "--resource", Show,
            "--amount", "2", "--probe-url", $"{seats.Client.BaseAddress}shows/{{resource}}", "--seeds", "6");
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(14, run.CheckLines.Count);
        Assert.Equal(13, run.CheckLines.Count(l => l.StartsWith("PASS ")));
        Assert.Equal("SKIP", run.VerdictOf("Crash in the middle"));
        Assert.Contains(run.CheckLines, l => l.StartsWith("PASS Try after Cancel: held 0.00, free 0.00, sold 0.00 ")
                                             && l.Contains("SeatsRefused (The branch was cancelled before its try arrived.)"));
    }
}
