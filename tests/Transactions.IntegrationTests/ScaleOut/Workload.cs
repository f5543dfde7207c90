using System.Net.Http.Json;
using Transactions.IntegrationTests.TravelBookings;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>A transfer to post; one that must be refused asks for more than all the accounts hold together.</summary>
public sealed record PlannedTransfer(Guid TransferId, string From, string To, decimal Amount, bool MustBeRefused);

public enum BookingKind
{
    /// <summary>On a trip with little inventory: completes, or is refused at some leg when it has run out.</summary>
    Normal,

    /// <summary>Its flight is refused by fault injection: compensated at once.</summary>
    RefusedFlight,

    /// <summary>Its car class is never answered: the car step's deadlines act until it gives up and compensates.</summary>
    Unanswered,
}

public sealed record PlannedBooking(Trip Trip, BookingKind Kind);

/// <summary>
/// The starts the test posts, transfers and bookings interleaved, and what the participants must hold before: the
/// accounts and each trip's inventory.
/// </summary>
public sealed class Workload
{
    public const decimal OpeningBalance = 1_000m;
    public const string RefusedFlight = "XX999";
    public const string UnansweredCarClass = "unanswered-class";
    public const int ScarceSeats = 30, ScarceRooms = 12, ScarceCars = 10;
    public static readonly string[] Accounts = Enumerable.Range(0, 10).Select(i => $"acct-{i}").ToArray();

    Workload(List<PlannedTransfer> transfers, List<PlannedBooking> bookings, List<object> orders)
    {
        Transfers = transfers;
        Bookings = bookings;
        Orders = orders;
    }

    public IReadOnlyList<PlannedTransfer> Transfers { get; }
    public IReadOnlyList<PlannedBooking> Bookings { get; }

    /// <summary>Every start in posting order: a booking after every fifth transfer.</summary>
    public IReadOnlyList<object> Orders { get; }

    /// <summary>
    /// One transfer in ten asks for more than the bank holds in all; the others move up to 150.00 between two accounts.
    /// One booking in ten has its flight refused, one in ten its car never answered; the others share four trips
    /// whose inventory runs out, so that some complete and some are refused at a leg and compensated.
    /// </summary>
    public static Workload Plan(int transferCount, int bookingCount, int seed)
    {
        var random = new Random(seed);
        var transfers = Enumerable.Range(0, transferCount).Select(i =>
        {
            var from = random.Next(Accounts.Length);
            var to = (from + 1 + random.Next(Accounts.Length - 1)) % Accounts.Length;
            var mustBeRefused = i % 10 == 3;
            var amount = mustBeRefused ? Accounts.Length * OpeningBalance * 5 : random.Next(100, 15_001) / 100m;
            return new PlannedTransfer(Guid.NewGuid(), Accounts[from], Accounts[to], amount, mustBeRefused);
        }).ToList();

        var scarce = Enumerable.Range(0, 4).Select(_ => Trip.New()).ToList();
        var unanswered = Trip.New(carClass: UnansweredCarClass);
        var bookings = Enumerable.Range(0, bookingCount).Select(i => (i % 10) switch
        {
            0 => new PlannedBooking(Trip.New(flightNumber: RefusedFlight), BookingKind.RefusedFlight),
            5 => new PlannedBooking(unanswered.Again(), BookingKind.Unanswered),
            _ => new PlannedBooking(scarce[i % scarce.Count].Again(), BookingKind.Normal),
        }).ToList();

        var orders = new List<object>();
        var (t, b) = (0, 0);
        while (t < transfers.Count || b < bookings.Count)
        {
            for (var k = 0; k < 5 && t < transfers.Count; k++)
                orders.Add(transfers[t++]);
            if (b < bookings.Count)
                orders.Add(bookings[b++]);
        }
        return new Workload(transfers, bookings, orders);
    }

    /// <summary>The trips whose inventory the participants hold (the refused flight takes none).</summary>
    public IEnumerable<Trip> SeededTrips() => Bookings.Where(b => b.Kind != BookingKind.RefusedFlight)
        .GroupBy(b => b.Trip.FlightNumber).Select(g => g.First().Trip);

    /// <summary>Opens the accounts and puts each trip's inventory at the participants, through one host.</summary>
    public async Task SetUpAsync(HttpClient participants)
    {
        foreach (var account in Accounts)
        {
            using var opened = await participants.PostAsJsonAsync("/api/accounts",
                new { accountId = account, currency = "EUR", initialBalance = OpeningBalance });
            opened.EnsureSuccessStatusCode();
        }
        foreach (var trip in SeededTrips())
        {
            var unanswered = trip.CarClass == UnansweredCarClass;
            await trip.SeedAsync(_ => participants, seats: unanswered ? 100 : ScarceSeats,
                rooms: unanswered ? 100 : ScarceRooms, cars: unanswered ? 100 : ScarceCars);
        }
    }

    /// <summary>The path and body of the order's start request, and the id of the saga it starts.</summary>
    public static (string Path, object Body, Guid SagaId) RequestOf(object order) => order switch
    {
        PlannedTransfer t => ("/api/bank-transfers",
            new { transferId = t.TransferId, fromAccount = t.From, toAccount = t.To, amount = t.Amount, currency = "EUR" },
            t.TransferId),
        PlannedBooking b => ("/api/travel-bookings", b.Trip.Request(), b.Trip.BookingId),
        _ => throw new ArgumentOutOfRangeException(nameof(order)),
    };
}
