"""MassTransit's JSON envelope, read and written by hand (tools/Conformance/README.md, "The wire contract").

A command arrives as {"messageId", "conversationId", "messageType": ["urn:message:Namespace:Type", ...],
"message": {camelCase fields}, ...}; fields this module does not know are ignored. A reply is published to the
exchange of its type with a new messageId, the command's conversationId, and the command's messageId as initiatorId.
"""

import datetime
import json
import uuid
from dataclasses import dataclass

CONTENT_TYPE = "application/vnd.masstransit+json"
CONTRACTS = "Transactions.Contracts.TravelBookings:"
URN_PREFIX = "urn:message:"

RESERVE_CAR = CONTRACTS + "ReserveCar"
CANCEL_CAR = CONTRACTS + "CancelCar"
CAR_RESERVED = CONTRACTS + "CarReserved"
CAR_RESERVATION_FAILED = CONTRACTS + "CarReservationFailed"
CAR_CANCELLED = CONTRACTS + "CarCancelled"
COMMANDS = (RESERVE_CAR, CANCEL_CAR)
REPLIES = (CAR_RESERVED, CAR_RESERVATION_FAILED, CAR_CANCELLED)


class InvalidMessage(Exception):
    """A message that can never be handled as it is: it goes to the _error queue at once, never retried. The text
    names the message and the field, as the .NET services' InvalidMessageException does."""

    def __init__(self, message_type, field, problem):
        super().__init__(f"{short_name(message_type)} is invalid: {field} {problem}.")


@dataclass(frozen=True)
class Command:
    type: str  # RESERVE_CAR or CANCEL_CAR, as "Namespace:Type"
    message_id: str
    conversation_id: str | None
    booking_id: uuid.UUID
    location: str | None = None
    car_class: str | None = None
    pick_up: datetime.date | None = None
    days: int | None = None


def short_name(message_type):
    return message_type[message_type.rfind(":") + 1:]


def read_command(body):
    """The command in an AMQP body, or InvalidMessage saying what is wrong with it."""
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidMessage("envelope", "body", f"is not JSON ({e})") from e
    if not isinstance(envelope, dict):
        raise InvalidMessage("envelope", "body", "is not a JSON object")
    types = envelope.get("messageType")
    urns = [t for t in types if isinstance(t, str)] if isinstance(types, list) else []
    # MassTransit lists the type's interfaces too: the first one this participant handles is taken.
    message_type = next((u[len(URN_PREFIX):] for u in urns if u[len(URN_PREFIX):] in COMMANDS), None)
    if message_type is None:
        raise InvalidMessage("envelope", "messageType", f"names no command this participant handles ({urns})")
    message_id = envelope.get("messageId")
    if not isinstance(message_id, str) or not message_id:
        raise InvalidMessage(message_type, "messageId", "is missing")
    message = envelope.get("message")
    if not isinstance(message, dict):
        raise InvalidMessage(message_type, "message", "is missing")

    booking_id = _uuid(message_type, message, "bookingId")
    common = dict(type=message_type, message_id=message_id, conversation_id=envelope.get("conversationId"),
                  booking_id=booking_id)
    if message_type == CANCEL_CAR:
        return Command(**common)
    return Command(**common, location=_text(message_type, message, "location"),
                   car_class=_text(message_type, message, "carClass"), pick_up=_date(message_type, message, "pickUp"),
                   days=_whole(message_type, message, "days"))


def write_reply(reply_type, command, **fields):
    """The envelope of a reply to `command`: (message id, body bytes)."""
    message_id = str(uuid.uuid4())
    envelope = {
        "messageId": message_id,
        "conversationId": command.conversation_id,
        "initiatorId": command.message_id,
        "messageType": [URN_PREFIX + reply_type],
        "sentTime": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
        "message": {"bookingId": str(command.booking_id), **fields},
    }
    return message_id, json.dumps(envelope).encode("utf-8")


def _uuid(message_type, message, field):
    value = message.get(field)
    try:
        parsed = uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.int == 0:
        raise InvalidMessage(message_type, field, "is missing" if value in (None, "", str(uuid.UUID(int=0)))
                             else "is not a UUID")
    return parsed


def _text(message_type, message, field):
    value = message.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidMessage(message_type, field, "is missing")
    return value


def _date(message_type, message, field):
    value = message.get(field)
    if value is None:
        raise InvalidMessage(message_type, field, "is missing")
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidMessage(message_type, field, "is not a date (yyyy-mm-dd)") from None


def _whole(message_type, message, field):
    value = message.get(field)
    if value is None:
        raise InvalidMessage(message_type, field, "is missing")
    # bool is an int in Python; true is no number of days.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidMessage(message_type, field, "is not a whole number")
    return value
