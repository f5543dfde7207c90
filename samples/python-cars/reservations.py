"""The car step's rules on PostgreSQL: one reservation per booking, taken and released exactly once.

Each command is applied in one transaction with its record in car_reservations (the barrier), and the reply is
computed from that record, so a command delivered again, sent again or sent twice at once is answered the same and
changes nothing more. These are the rules of the .NET participant (src/Participants.Sample/Reservations).
"""

import datetime
import os

import psycopg2
import psycopg2.extensions

from envelope import CAR_CANCELLED, CAR_RESERVATION_FAILED, CAR_RESERVED

MAX_NAME = 30  # as the .NET participant's inventory API allows for a location or a class
MAX_DAYS = 366
# Any constant: it keeps two processes starting at once from creating the tables at the same time.
SCHEMA_LOCK = 0x63617273

CANCELLED_FIRST = "Cancelled before it was reserved."


def connect(url):
    """A connection to the participant's database, created first if it does not exist."""
    try:
        return psycopg2.connect(url)
    except psycopg2.OperationalError as e:
        if "does not exist" not in str(e):
            raise
    database = psycopg2.extensions.parse_dsn(url)["dbname"]
    admin = psycopg2.connect(url, dbname="postgres")
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{database}"')
    except (psycopg2.errors.DuplicateDatabase, psycopg2.errors.UniqueViolation):
        pass  # another worker or process created it meanwhile
    finally:
        admin.close()
    return psycopg2.connect(url)


def create_schema(connection):
    with open(os.path.join(os.path.dirname(__file__), "schema.sql"), encoding="utf-8") as file:
        sql = file.read()
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        cursor.execute(sql)


def reserve(connection, command):
    """Reserves one car for the booking, or refuses; the reply as (type, fields)."""
    with connection, connection.cursor() as cursor:
        # Inserting the barrier row first: a concurrent copy of this booking's Reserve or Cancel waits here until
        # this transaction ends, then finds the row.
        cursor.execute(
            """INSERT INTO car_reservations (booking_id, location, car_class, pick_up, days, status)
               VALUES (%s, %s, %s, %s, %s, 'Reserved') ON CONFLICT (booking_id) DO NOTHING""",
            (str(command.booking_id), command.location[:MAX_NAME], command.car_class[:MAX_NAME], command.pick_up,
             command.days if 1 <= command.days <= MAX_DAYS else 0))
        if cursor.rowcount == 0:
            return _answer_of(cursor, command.booking_id)
        refusal = _invalid(command) or _take(cursor, command)
        if refusal:
            cursor.execute("UPDATE car_reservations SET status = 'Refused', reason = %s WHERE booking_id = %s",
                           (refusal, str(command.booking_id)))
            return CAR_RESERVATION_FAILED, {"reason": refusal}
        return CAR_RESERVED, {}


def cancel(connection, command):
    """Releases the booking's car if it holds one; remembers a Cancel that came first. Always answered CarCancelled."""
    with connection, connection.cursor() as cursor:
        # Null compensation: nothing was reserved, nothing is released, and the row refuses a Reserve arriving later.
        cursor.execute(
            """INSERT INTO car_reservations (booking_id, status, reason) VALUES (%s, 'Cancelled', %s)
               ON CONFLICT (booking_id) DO NOTHING""", (str(command.booking_id), CANCELLED_FIRST))
        if cursor.rowcount == 0:
            # Only a Reserved row changes: a repeated Cancel, or one of a refused booking, finds none.
            cursor.execute(
                """UPDATE car_reservations SET status = 'Cancelled', updated_at = now()
                   WHERE booking_id = %s AND status = 'Reserved'
                   RETURNING location, car_class, pick_up, days""", (str(command.booking_id),))
            released = cursor.fetchone()
            if released:
                location, car_class, pick_up, days = released
                cursor.execute(
                    """UPDATE car_inventory SET reserved = reserved - 1
                       WHERE location = %s AND car_class = %s AND day >= %s AND day < %s""",
                    (location, car_class, pick_up, pick_up + datetime.timedelta(days=days)))
        return CAR_CANCELLED, {}


def _answer_of(cursor, booking_id):
    """The answer the booking already has: the same reply for a repeated Reserve, a refusal after a Cancel."""
    cursor.execute("SELECT status, reason FROM car_reservations WHERE booking_id = %s", (str(booking_id),))
    status, reason = cursor.fetchone()
    if status == "Reserved":
        return CAR_RESERVED, {}
    return CAR_RESERVATION_FAILED, {"reason": reason or "The booking's car was cancelled."}


def _invalid(command):
    """Why values that cannot be reserved were sent, or None: answered with a refusal, as the .NET participant does."""
    if len(command.location) > MAX_NAME or len(command.car_class) > MAX_NAME:
        return f"The location and the car class must be 1 to {MAX_NAME} characters."
    if not 1 <= command.days <= MAX_DAYS:
        return f"The number of days must be between 1 and {MAX_DAYS}."
    if command.pick_up > datetime.date.max - datetime.timedelta(days=command.days):
        return "The pick-up date is too late."
    return None


def _take(cursor, command):
    """Takes one car on every day, or none and says why. PostgreSQL re-checks the condition under each row's lock,
    so concurrent bookings never take more than the capacity."""
    cursor.execute("SAVEPOINT take")
    cursor.execute(
        """UPDATE car_inventory SET reserved = reserved + 1
           WHERE location = %s AND car_class = %s AND day >= %s AND day < %s AND reserved + 1 <= capacity""",
        (command.location, command.car_class, command.pick_up,
         command.pick_up + datetime.timedelta(days=command.days)))
    taken = cursor.rowcount
    if taken == command.days:
        return None
    cursor.execute("ROLLBACK TO SAVEPOINT take")
    return (f"Not enough {command.car_class} cars at {command.location} on {command.days - taken} of "
            f"{command.days} day(s) from {command.pick_up.isoformat()}.")
