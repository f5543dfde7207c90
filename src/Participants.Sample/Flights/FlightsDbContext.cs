using Microsoft.EntityFrameworkCore;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Flights;

/// <summary>Seats per flight and day, and the bookings' seat reservations (<c>ConnectionStrings:Flights</c>).</summary>
public sealed class FlightsDbContext(DbContextOptions<FlightsDbContext> options) : ReservationsDbContext(options);
