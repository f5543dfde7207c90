using Transactions.IntegrationTests.Conformance;
using Transactions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.Samples.PythonCars;

/// <summary>
/// The conformance kit, run against the Python car participant with the car step's message set the sample ships,
/// passes every check: the participant applies each Reserve and Cancel once, whatever is repeated, reordered, sent at
/// once or interrupted by a kill.
/// </summary>
public sealed class PythonCarsConformanceTests(IsolatedServices services, ITestOutputHelper output)
    : IClassFixture<IsolatedServices>
{
    const string Location = "kit";

    [Fact]
    public async Task The_python_participant_passes_every_check_of_the_kit_for_the_car_step_a_crash_included()
    {
        await using var cars = await PythonCars.StartScriptedAsync(services, "pycars_kit");
        await PythonCars.SeedKitSlotAsync(cars.Client, Location, cars: 100);
        var first = cars.Pid;

        var run = await KitRun.InProcessAsync(services, "--message-set", PythonCars.MessageSet, "--resource", Location,
            "--amount", "1", "--probe-url", $"{cars.Client.BaseAddress}api/cars/inventory/{{resource}}/{PythonCars.KitSlot}",
            "--seeds", "6", "--restart-command", cars.RestartCommand);
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(9, run.CheckLines.Count);
        Assert.All(run.CheckLines, line => Assert.StartsWith("PASS ", line));
        // The effects were read and are the rules' own, and a Reserve after its Cancel was refused, not applied.
        Assert.Contains(run.CheckLines, l => l.StartsWith("PASS Try ×3: reserved +1.00, available -1.00 "));
        Assert.Contains(run.CheckLines, l => l.StartsWith("PASS Try after Cancel: reserved 0.00") &&
                                             l.Contains("replies CarReservationFailed (Cancelled before it was reserved.)"));
        Assert.Contains(run.CheckLines, l => l.StartsWith("PASS Crash in the middle: ") &&
                                             l.Contains("after the Trys reserved +20.00, available -20.00 (expected"));
        // The crash check killed the participant it began with; another one answered the rest.
        Assert.NotEqual(first, cars.Pid);
    }
}
