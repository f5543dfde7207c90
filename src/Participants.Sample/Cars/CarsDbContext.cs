using Microsoft.EntityFrameworkCore;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Cars;

/// <summary>Cars per location, class and day, and the bookings' car reservations (<c>ConnectionStrings:Cars</c>).</summary>
public sealed class CarsDbContext(DbContextOptions<CarsDbContext> options) : ReservationsDbContext(options)
{
    /// <summary>Cars of one class at one location are one resource.</summary>
    public static string Resource(string location, string carClass) => $"{location}/{carClass}";
}
