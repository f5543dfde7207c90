using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.Scripts;

namespace Transactions.IntegrationTests.Samples.PythonCars;

/// <summary>
/// The car step's participant written in Python (samples/python-cars), started as a user starts it: Debian's
/// python3 on main.py, the broker and its database given as URLs (the class's vhost, a database of its own that its
/// first start creates).
/// </summary>
public static class PythonCars
{
    /// <summary>
    /// Debian's interpreter, where apt-get installs python3-pika and python3-psycopg2 (scripts/test.sh does): a python3
    /// of its own earlier on the PATH would not see them.
    /// </summary>
    const string Python = "/usr/bin/python3";

    /// <summary>The car class and pick-up day of the kit's Reserves, in its message set.</summary>
    public const string KitSlot = "kit/2099-01-01";

    static string Sample => Path.Combine(RunScript.RepositoryRoot(), "samples", "python-cars");

    static string Main => Path.Combine(Sample, "main.py");

    /// <summary>The kit's message set for the car step, which the sample ships.</summary>
    public static string MessageSet => Path.Combine(Sample, "car-step.json");

    public static Task<RunningService> StartAsync(IsolatedServices services, string database)
    {
        var port = ServiceProcess.FreePort();
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Main);
        foreach (var (name, value) in Environment(services, database, port))
            start.Environment[name] = value;
        return RunningService.StartAsync(start, port, "python-cars");
    }

    /// <summary>Started by a script that kills and starts it again: the kit's restart command for the crash check.</summary>
    public static Task<ScriptedService> StartScriptedAsync(IsolatedServices services, string database)
    {
        var port = ServiceProcess.FreePort();
        return ScriptedService.StartAsync($"{Python} '{Main}'", Environment(services, database, port), port,
            identifiedBy: Main);
    }

    /// <summary>Capacity for <paramref name="cars"/> cars of the kit's slot at <paramref name="location"/>.</summary>
    public static async Task SeedKitSlotAsync(HttpClient client, string location, int cars)
    {
        using var response = await client.PutAsJsonAsync("/api/cars/inventory",
            new { location, carClass = "kit", from = "2099-01-01", days = 1, cars });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Publishes a well-formed ReserveCar of one day at <paramref name="location"/> in the kit's slot.</summary>
    public static Task ReserveAsync(IsolatedServices services, Guid bookingId, string location) =>
        RawMessages.PublishAsync(services, "Transactions.Contracts.TravelBookings:ReserveCar",
            new { bookingId, location, carClass = "kit", pickUp = "2099-01-01", days = 1 });

    /// <summary>The status of the booking's reservation (Reserved, Refused, Cancelled), or null while it has none.</summary>
    public static async Task<string?> ReservationStatusAsync(HttpClient client, Guid bookingId)
    {
        using var response = await client.GetAsync($"/api/cars/reservations/{bookingId}");
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()
            : null;
    }

    static Dictionary<string, string> Environment(IsolatedServices services, string database, int port) => new()
    {
        ["RABBITMQ_URL"] = services.AmqpUrl.ToString(),
        ["CARS_DATABASE_URL"] = new UriBuilder(services.Servers.Postgres)
        {
            Path = "/" + new NpgsqlConnectionStringBuilder(services.NewDatabase(database)).Database,
        }.Uri.ToString(),
        ["CARS_HTTP_PORT"] = port.ToString(),
    };
}
