using Microsoft.EntityFrameworkCore;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Hotels;

/// <summary>Rooms per hotel and night, and the bookings' room reservations (<c>ConnectionStrings:Hotels</c>).</summary>
public sealed class HotelsDbContext(DbContextOptions<HotelsDbContext> options) : ReservationsDbContext(options);
