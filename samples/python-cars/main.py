"""The car step of the travel booking, as a participant written outside .NET: see README.md.

    RABBITMQ_URL=amqp://user:password@127.0.0.1:5672/ CARS_DATABASE_URL=postgres://user:password@127.0.0.1/cars \
        /usr/bin/python3 samples/python-cars/main.py
"""

import logging
import signal
import sys
import threading
from urllib.parse import urlparse

import http_api
import settings as settings_module
from worker import QUEUE, Worker

log = logging.getLogger("cars")


def main():
    settings = settings_module.load()
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # pika logs each failed connection attempt at length; the worker says it once, in one line.
    logging.getLogger("pika").setLevel(logging.CRITICAL)

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    workers = [Worker(n, settings, stopping) for n in range(1, settings.workers + 1)]
    for worker in workers:
        worker.start()
    server = http_api.serve(settings, workers)
    log.info("Listening on http://%s:%d; consuming %s on %s with %d worker(s); database %s", settings.http_host,
             settings.http_port, QUEUE, _without_password(settings.rabbitmq_url), settings.workers,
             _without_password(settings.database_url))

    stopping.wait()
    log.info("Stopping: messages not yet acknowledged go back to the queue")
    server.shutdown()
    for worker in workers:
        worker.join(timeout=10)


def _without_password(url):
    parts = urlparse(url)
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@") if parts.password else parts.netloc).geturl()


if __name__ == "__main__":
    main()
