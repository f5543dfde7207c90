"""One consumer of the car-reservations queue: its own broker connection, channel and database connection.

Per message: read the envelope, apply the command in one transaction with its barrier row (reservations.py), commit,
publish the reply and wait for the broker to confirm it, then acknowledge. A crash anywhere before the acknowledgement
leaves the message in the queue; delivered again, the barrier answers it without applying it twice. A message that can
never be handled goes to car-reservations_error with the reason, as MassTransit would put it there.
"""

import datetime
import logging
import threading
import time

import pika
import pika.exceptions
import psycopg2
import psycopg2.errors

import envelope
import reservations

QUEUE = "car-reservations"
ERROR_QUEUE = QUEUE + "_error"
FIRST_DELAY, MAX_DELAY = 1.0, 30.0
ATTEMPTS = 5  # for a deadlock or serialization failure, which a second try resolves

log = logging.getLogger("cars.worker")

HANDLERS = {envelope.RESERVE_CAR: reservations.reserve, envelope.CANCEL_CAR: reservations.cancel}

# Lost connections: the worker connects again, and the message it held is delivered again.
RECONNECT_ERRORS = (pika.exceptions.AMQPError, psycopg2.OperationalError, psycopg2.InterfaceError, OSError)


class Worker(threading.Thread):
    def __init__(self, number, settings, stopping):
        super().__init__(name=f"worker-{number}", daemon=True)
        self._settings = settings
        self._stopping = stopping
        self._delay = FIRST_DELAY
        self._database = None
        self._connection = None
        self.consuming = False  # read by the readiness check

    def run(self):
        while not self._stopping.is_set():
            try:
                self._serve()
            except Exception as e:
                if isinstance(e, RECONNECT_ERRORS):
                    log.warning("%s: %s; connecting again in %.0f s", self.name, _describe(e), self._delay)
                else:  # a bug, or a database refusing the schema: told at length, and tried again all the same
                    log.exception("%s failed; starting again in %.0f s", self.name, self._delay)
                self._stopping.wait(self._delay)
                self._delay = min(self._delay * 2, MAX_DELAY)
            finally:
                self.consuming = False
                self._close()

    def _serve(self):
        self._database = reservations.connect(self._settings.database_url)
        # Here rather than once at start-up: a database that is not there yet is waited for like a lost one.
        reservations.create_schema(self._database)
        parameters = pika.URLParameters(self._settings.rabbitmq_url)
        parameters.heartbeat = 30
        parameters.blocked_connection_timeout = 30
        parameters.client_properties = {"connection_name": f"python-cars-{self.name}"}
        self._connection = pika.BlockingConnection(parameters)
        channel = self._connection.channel()
        declare_topology(channel, self._settings.queue_type)
        channel.confirm_delivery()
        channel.basic_qos(prefetch_count=self._settings.prefetch)
        channel.basic_consume(QUEUE, self._on_message)
        self.consuming = True
        self._delay = FIRST_DELAY
        log.info("%s consuming from %s", self.name, QUEUE)
        while not self._stopping.is_set():
            self._connection.process_data_events(time_limit=1)

    def _on_message(self, channel, method, properties, body):
        try:
            command = envelope.read_command(body)
            reply_type, fields = self._apply(command)
        except envelope.InvalidMessage as e:
            self._dead_letter(channel, properties, body, e)
        except RECONNECT_ERRORS:
            raise
        except Exception as e:  # a message this code cannot handle: parked with the reason, not redelivered forever
            log.exception("%s: message %s failed", self.name, properties.message_id)
            self._dead_letter(channel, properties, body, e)
        else:
            reply_id, reply = envelope.write_reply(reply_type, command, **fields)
            # Published with the broker's confirmation before the command is acknowledged: a reply lost on the way
            # is sent again when the unacknowledged command comes back.
            channel.basic_publish(reply_type, "", reply, pika.BasicProperties(
                content_type=envelope.CONTENT_TYPE, delivery_mode=2, message_id=reply_id))
            log.info("Booking %s: %s answered %s %s", command.booking_id, envelope.short_name(command.type),
                     envelope.short_name(reply_type), fields.get("reason", ""))
        channel.basic_ack(method.delivery_tag)

    def _apply(self, command):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return HANDLERS[command.type](self._database, command)
            except psycopg2.errors.TransactionRollbackError:
                if attempt == ATTEMPTS:
                    raise
                time.sleep(0.05 * 2 ** attempt)

    def _dead_letter(self, channel, properties, body, error):
        """Moves the message to the _error queue with MassTransit's fault headers, so the coordinator's
        reconciliation and an operator read the reason there, and can move it back."""
        log.warning("%s: message %s to %s: %s", self.name, properties.message_id, ERROR_QUEUE, error)
        headers = dict(properties.headers or {})
        headers.update({
            "MT-Reason": "fault",
            "MT-Fault-ExceptionType": type(error).__name__,
            "MT-Fault-Message": str(error),
            "MT-Fault-Timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        })
        channel.basic_publish(ERROR_QUEUE, "", body, pika.BasicProperties(
            content_type=properties.content_type, delivery_mode=2, message_id=properties.message_id, headers=headers))

    def _close(self):
        for resource in (self._connection, self._database):
            try:
                if resource is not None:
                    resource.close()
            except Exception:  # already gone: nothing to release
                pass
        self._connection = self._database = None


def declare_topology(channel, queue_type):
    """What MassTransit declares for the endpoint, declared the same way so that either may come first: the queue
    (of `queue_type`, as the .NET services' RabbitMq:QueueType) behind an exchange of its name, the command types'
    exchanges bound to that (the coordinator sends to the queue's exchange; a publisher of ReserveCar reaches it too),
    the reply types' exchanges, and the _error queue, of the same type."""
    for name in (QUEUE, ERROR_QUEUE):
        channel.exchange_declare(name, exchange_type="fanout", durable=True)
        channel.queue_declare(name, durable=True, arguments={"x-queue-type": queue_type})
        channel.queue_bind(name, name)
    for message_type in envelope.COMMANDS:
        channel.exchange_declare(message_type, exchange_type="fanout", durable=True)
        channel.exchange_bind(QUEUE, message_type)
    for message_type in envelope.REPLIES:
        channel.exchange_declare(message_type, exchange_type="fanout", durable=True)


def _describe(error):
    """One line for a lost connection (pika's connection errors come with an empty message)."""
    text = str(error) or ("cannot connect to the broker" if isinstance(error, pika.exceptions.AMQPConnectionError)
                          else "no detail")
    return f"{type(error).__name__}: {' '.join(text.split())}"
