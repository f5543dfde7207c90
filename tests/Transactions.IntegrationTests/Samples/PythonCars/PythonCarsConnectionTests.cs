using System.Net.Http.Json;
using System.Text.Json;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Samples.PythonCars;

/// <summary>
/// The Python car participant connects again by itself when the broker drops its connections, and goes on answering.
/// </summary>
public sealed class PythonCarsConnectionTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Connections_the_broker_closes_are_opened_again_and_the_next_booking_is_answered()
    {
        await using var cars = await PythonCars.StartAsync(services, "pycars_reconnect");
        await PythonCars.SeedKitSlotAsync(cars.Client, "airport", cars: 1);
        // One per consumer (four by default), as the broker lists them.
        var dropped = await Eventually.Until(ConnectionsAsync, c => c.Count == 4, Timeout, "the broker lists its connections");

        foreach (var name in dropped)
            using (await services.Management.DeleteAsync($"api/connections/{Uri.EscapeDataString(name)}")) { }
        // New connections, not the dropped ones, consume again.
        await Eventually.Until(ConnectionsAsync, now => now.Count == dropped.Count && !now.Intersect(dropped).Any(),
            Timeout, "the participant has connected again");

        var bookingId = Guid.NewGuid();
        await PythonCars.ReserveAsync(services, bookingId, "airport");
        var status = await Eventually.Until(() => PythonCars.ReservationStatusAsync(cars.Client, bookingId),
            s => s is not null, Timeout, $"booking {bookingId} is answered");
        Assert.Equal("Reserved", status);
        Assert.Contains(cars.Lines, l => l.Contains("CONNECTION_FORCED") && l.Contains("connecting again in 1 s"));
    }

    /// <summary>The participant's connections to the class's vhost, by the broker's name for them.</summary>
    async Task<List<string>> ConnectionsAsync()
    {
        var connections = await services.Management.GetFromJsonAsync<JsonElement>(
            $"api/vhosts/{services.VirtualHost}/connections");
        return connections.EnumerateArray()
            .Where(c => c.GetProperty("client_properties").TryGetProperty("connection_name", out var name) &&
                        name.GetString()!.StartsWith("python-cars-"))
            .Select(c => c.GetProperty("name").GetString()!).ToList();
    }
}
