"""The REST routes of the .NET cars participant, so that tools and tests written for it work against this one:
PUT /api/cars/inventory, GET /api/cars/inventory/{location}/{carClass}/{day}, GET /api/cars/reservations/{bookingId},
and GET /health/live, /health/ready. No API key: it listens on loopback unless told otherwise (CARS_HTTP_HOST).
"""

import datetime
import json
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import reservations

log = logging.getLogger("cars.http")

MAX_BODY = 65536  # as the .NET services' Security:MaxWriteBodyBytes


class _TooLarge(Exception):
    pass


def serve(settings, workers):
    """Starts the server on a thread of its own; returns it, for shutdown()."""

    class Handler(_Handler):
        database_url = settings.database_url
        consumers = workers

    server = ThreadingHTTPServer((settings.http_host, settings.http_port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    return server


class _Handler(BaseHTTPRequestHandler):
    database_url = ""
    consumers = []

    def log_message(self, format, *args):
        log.debug(format, *args)

    def do_GET(self):
        self._safely(self._get)

    def do_PUT(self):
        self._safely(self._put)

    def _safely(self, handle):
        try:
            handle()
        except Exception:  # answered as a problem, not a dropped connection; the trace goes to the log
            log.exception("%s %s failed", self.command, self.path)
            self._json(500, _problem(500, "The request failed; the participant's log says why."))

    def _get(self):
        parts = [unquote(p) for p in self.path.split("?")[0].strip("/").split("/")]
        if parts == ["health", "live"]:
            return self._json(200, {"status": "Healthy"})
        if parts == ["health", "ready"]:
            return self._ready()
        if parts[:3] == ["api", "cars", "inventory"] and len(parts) == 6:
            return self._slot(*parts[3:])
        if parts[:3] == ["api", "cars", "reservations"] and len(parts) == 4:
            return self._reservation(parts[3])
        self._json(404, _problem(404, "Not found."))

    def _put(self):
        if self.path.split("?")[0].rstrip("/") != "/api/cars/inventory":
            return self._json(404, _problem(404, "Not found."))
        try:
            body = json.loads(self._body() or b"null")
        except _TooLarge:
            return self._json(413, _problem(413, f"The body is larger than {MAX_BODY} bytes."))
        except (ValueError, UnicodeDecodeError) as e:
            return self._json(400, _problem(400, "The body is not JSON.", detail=str(e)))
        errors, request = _inventory_request(body)
        if errors:
            return self._json(400, _problem(400, "One or more validation errors occurred.", errors=errors))
        location, car_class, first, days, cars = request
        with self._database() as connection, connection, connection.cursor() as cursor:
            slots = []
            for day in (first + datetime.timedelta(days=n) for n in range(days)):
                # Never below what is reserved: such a request changes no slot (the transaction is rolled back).
                cursor.execute(
                    """INSERT INTO car_inventory (location, car_class, day, capacity) VALUES (%s, %s, %s, %s)
                       ON CONFLICT (location, car_class, day) DO UPDATE SET capacity = excluded.capacity
                       WHERE car_inventory.reserved <= excluded.capacity
                       RETURNING location, car_class, day, capacity, reserved""", (location, car_class, day, cars))
                row = cursor.fetchone()
                if row is None:
                    connection.rollback()
                    return self._json(409, _problem(409, "Capacity below what is reserved.", field="cars",
                                                    detail=f"{location}/{car_class} on {day} has more reserved than {cars}."))
                slots.append(_slot_view(row))
        self._json(200, slots)

    def _body(self):
        """The request body, sent with a length or in chunks (as .NET's HttpClient sends JSON)."""
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                raise _TooLarge()
            return self.rfile.read(length)
        body = b""
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            body += self.rfile.read(size)
            self.rfile.readline()  # the CRLF after each chunk
            if len(body) > MAX_BODY:
                raise _TooLarge()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailer lines
        return body

    def _slot(self, location, car_class, day):
        try:
            day = datetime.date.fromisoformat(day)
        except ValueError:
            return self._json(400, _problem(400, "One or more validation errors occurred.",
                                            errors={"day": ["Must be a date (yyyy-mm-dd)."]}))
        with self._database() as connection, connection, connection.cursor() as cursor:
            cursor.execute("""SELECT location, car_class, day, capacity, reserved FROM car_inventory
                              WHERE location = %s AND car_class = %s AND day = %s""", (location, car_class, day))
            row = cursor.fetchone()
        self._json(200, _slot_view(row)) if row else self._json(404, _problem(404, "No such slot."))

    def _reservation(self, booking_id):
        try:
            booking_id = uuid.UUID(booking_id)
        except ValueError:
            return self._json(400, _problem(400, "One or more validation errors occurred.",
                                            errors={"bookingId": ["Must be a UUID."]}))
        with self._database() as connection, connection, connection.cursor() as cursor:
            cursor.execute("""SELECT booking_id, location, car_class, pick_up, days, status, reason, created_at,
                              updated_at FROM car_reservations WHERE booking_id = %s""", (str(booking_id),))
            row = cursor.fetchone()
        if row is None:
            return self._json(404, _problem(404, "No reservation for this booking."))
        booking, location, car_class, pick_up, days, status, reason, created, updated = row
        self._json(200, {
            "bookingId": str(booking), "resource": f"{location}/{car_class}" if location else "",
            "firstDay": pick_up.isoformat() if pick_up else None, "days": days, "quantity": 1 if location else 0,
            "status": status, "reason": reason, "createdAt": created.isoformat(), "updatedAt": updated.isoformat(),
        })

    def _ready(self):
        checks = {"consumers": all(w.consuming for w in self.consumers)}
        try:
            with self._database() as connection, connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            checks["database"] = True
        except Exception:  # unreachable: reported, not raised
            checks["database"] = False
        ready = all(checks.values())
        self._json(200 if ready else 503, {"status": "Healthy" if ready else "Unhealthy",
                                           "checks": {k: "Healthy" if v else "Unhealthy" for k, v in checks.items()}})

    def _database(self):
        return _Closing(reservations.connect(self.database_url))

    def _json(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        problem = isinstance(body, dict) and "title" in body and status >= 400
        self.send_header("Content-Type", "application/problem+json" if problem else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Closing:
    """A connection per request, closed at the end (the API is for setting up and reading, not the hot path)."""

    def __init__(self, connection):
        self._connection = connection

    def __enter__(self):
        return self._connection

    def __exit__(self, *exc):
        self._connection.close()


def _inventory_request(body):
    """The errors per field (RFC 9457 validation problem), or the request's values."""
    body = body if isinstance(body, dict) else {}
    errors = {}

    def text(field):
        value = body.get(field)
        if not isinstance(value, str) or not value.strip():
            errors[field] = ["Required."]
        elif len(value) > reservations.MAX_NAME:
            errors[field] = [f"At most {reservations.MAX_NAME} characters."]
        return value

    def whole(field, low, high):
        value = body.get(field)
        if value is None:
            errors[field] = ["Required."]
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[field] = [f"Must be between {low} and {high}."]
        return value

    location, car_class = text("location"), text("carClass")
    try:
        first = datetime.date.fromisoformat(body.get("from"))
    except (TypeError, ValueError):
        first = None
        errors["from"] = ["Required: a date (yyyy-mm-dd)."]
    days, cars = whole("days", 1, reservations.MAX_DAYS), whole("cars", 0, 10_000)
    return errors, (location, car_class, first, days, cars)


def _slot_view(row):
    location, car_class, day, capacity, reserved = row
    return {"resource": f"{location}/{car_class}", "day": day.isoformat(), "capacity": capacity,
            "reserved": reserved, "available": capacity - reserved}


def _problem(status, title, detail=None, field=None, errors=None):
    problem = {"type": "about:blank", "title": title, "status": status}
    if detail:
        problem["detail"] = detail
    if field:
        problem["field"] = field
    if errors:
        problem["errors"] = errors
    return problem
