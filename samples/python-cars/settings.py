"""The participant's settings, from environment variables, checked at start-up."""

import os
import sys
from dataclasses import dataclass
from urllib.parse import urlparse


@dataclass(frozen=True)
class Settings:
    rabbitmq_url: str
    database_url: str
    http_host: str
    http_port: int
    workers: int
    prefetch: int
    queue_type: str


def _number(name, default, low, high, problems):
    text = os.environ.get(name, str(default))
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        problems.append(f"Invalid setting {name}: {text!r} is not a whole number between {low} and {high}.")
        return default
    return value


def _url(name, schemes, problems):
    text = os.environ.get(name, "")
    if not text:
        problems.append(f"Invalid setting {name}: required.")
    elif urlparse(text).scheme not in schemes:
        problems.append(f"Invalid setting {name}: expected a {' or '.join(s + '://' for s in schemes)} URL.")
    return text


def _choice(name, default, choices, problems):
    text = os.environ.get(name, default)
    if text.lower() not in choices:
        problems.append(f"Invalid setting {name}: {text!r} is not one of {', '.join(choices)}.")
    return text.lower()


def load():
    """The settings; with any of them wrong, one line per wrong setting on stderr and exit code 1, as the .NET
    services do."""
    problems = []
    settings = Settings(
        rabbitmq_url=_url("RABBITMQ_URL", ["amqp", "amqps"], problems),
        database_url=_url("CARS_DATABASE_URL", ["postgres", "postgresql"], problems),
        http_host=os.environ.get("CARS_HTTP_HOST", "127.0.0.1"),
        http_port=_number("CARS_HTTP_PORT", 5090, 1, 65535, problems),
        workers=_number("CARS_WORKERS", 4, 1, 64, problems),
        # Bounded so that one worker never holds more messages than it handles in a few seconds: the others, and
        # other instances, get the rest.
        prefetch=_number("CARS_PREFETCH", 8, 1, 1000, problems),
        # As the .NET services' RabbitMq:QueueType: a queue declared with another type than it has is refused.
        queue_type=_choice("CARS_QUEUE_TYPE", "quorum", ["quorum", "classic"], problems),
    )
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        sys.exit(1)
    return settings
