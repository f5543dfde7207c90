using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.TravelBookings;

namespace Transactions.IntegrationTests.Samples.PythonCars;

/// <summary>
/// The travel booking system with its car step served by the Python participant: the .NET cars module is not run,
/// and "cars" in <see cref="Trip"/>'s calls is the Python participant's REST API, which has the same routes.
/// </summary>
public sealed class PythonCarsTravelBookingSystem : TravelBookingSystem
{
    RunningService? _cars;

    protected override IReadOnlyList<string> DotNetParticipants => ["flights", "hotels"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _cars = await PythonCars.StartAsync(Services, "pycars");
    }

    public override HttpClient Participant(string name) => name == "cars" ? _cars!.Client : base.Participant(name);

    public override async Task DisposeAsync()
    {
        if (_cars is not null)
            await _cars.DisposeAsync();
        await base.DisposeAsync();
    }
}
