using System.Net.Http.Json;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.Samples.PythonCars;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// The kit's checks of a saga step hold for the reference: the sample's .NET cars participant, a process of its own
/// reached over RabbitMQ and its inventory API only, passes every check of the car step's message set (the one the
/// Python sample ships), so what the kit asks of a step is what the travel booking already relies on.
/// </summary>
public sealed class SampleCarsConformanceTests(IsolatedServices services, ITestOutputHelper output)
    : IClassFixture<IsolatedServices>
{
    const string Location = "kit";

    [Fact]
    public async Task The_sample_cars_participant_passes_every_check_of_the_kit_for_the_car_step()
    {
        await using var cars = await RunningService.StartAsync(ServiceProcess.Participants,
            await services.ParticipantSettingsAsync("cars", "cars"));
        using (var seeded = await cars.Client.PutAsJsonAsync("/api/cars/inventory",
                   new { location = Location, carClass = "kit", from = "2099-01-01", days = 1, cars = 100 }))
            seeded.EnsureSuccessStatusCode();

        var run = await KitRun.InProcessAsync(services, "--message-set", PythonCars.MessageSet, "--resource", Location,
            "--amount", "1", "--probe-url", $"{cars.Client.BaseAddress}api/cars/inventory/{{resource}}/{PythonCars.KitSlot}",
            "--probe-header", $"{TestApiKey.Header}: {TestApiKey.Key}", "--seeds", "6");
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(9, run.CheckLines.Count);
        Assert.Equal(8, run.CheckLines.Count(l => l.StartsWith("PASS ")));
        Assert.Equal("SKIP", run.VerdictOf("Crash in the middle"));
        Assert.Contains(run.CheckLines, l => l.StartsWith("PASS Try ×5 at once: reserved +1.00, available -1.00 "));
    }
}
