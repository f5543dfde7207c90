#!/usr/bin/env bash
# Runs the product on this machine: RabbitMQ and PostgreSQL (started if needed), the coordinator on
# http://127.0.0.1:5080 and all sample participants on http://127.0.0.1:5081. Ctrl-C stops everything it started.
#
#   scripts/run.sh [--no-build] [--instances N]
#
# A service that dies (a crash, kill -9) is logged and started again with backoff; the other services and the servers
# keep running. TRANSACTIONS_COORDINATOR_PORT and TRANSACTIONS_PARTICIPANTS_PORT choose other ports. --instances N (or
# TRANSACTIONS_INSTANCES) runs N coordinators and N participant hosts on the same databases and broker, instance i
# (from 0) on the coordinator port + 2i and the participants port + 2i: 5080/5081, 5082/5083, ... With
# RABBITMQ_URL and POSTGRES_URL set, the services use those servers (see scripts/services.sh); settings already in
# the environment (RabbitMq__VirtualHost, ConnectionStrings__Bank, ...) win over both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

COORDINATOR_PORT="${TRANSACTIONS_COORDINATOR_PORT:-5080}"
PARTICIPANTS_PORT="${TRANSACTIONS_PARTICIPANTS_PORT:-5081}"
log() { printf '[run] %s\n' "$*" >&2; }

BUILD=1
INSTANCES="${TRANSACTIONS_INSTANCES:-1}"
while (($#)); do
  case "$1" in
    --no-build) BUILD=0 ;;
    --instances) INSTANCES="${2:-}"; (($# > 1)) && shift ;;
    *) log "unknown argument $1 (scripts/run.sh [--no-build] [--instances N])"; exit 2 ;;
  esac
  shift
done
[[ "$INSTANCES" =~ ^[1-9][0-9]?$ ]] || { log "--instances must be a number from 1 to 99, not '$INSTANCES'"; exit 2; }


# amqp://user:password@host:port/vhost and postgres://user:password@host:port/db, as services.sh env prints them.
URL_PATTERN='^[a-z]+://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)(/.*)?$'

use_external_servers() {
  [[ "$RABBITMQ_URL" =~ $URL_PATTERN ]] || { log "RABBITMQ_URL is not amqp://user:password@host:port/"; exit 2; }
  export RabbitMq__Username="${RabbitMq__Username:-${BASH_REMATCH[1]}}"
  export RabbitMq__Password="${RabbitMq__Password:-${BASH_REMATCH[2]}}"
  export RabbitMq__Host="${RabbitMq__Host:-${BASH_REMATCH[3]}}"
  export RabbitMq__Port="${RabbitMq__Port:-${BASH_REMATCH[4]}}"
  local vhost="${BASH_REMATCH[5]#/}"
  export RabbitMq__VirtualHost="${RabbitMq__VirtualHost:-${vhost:-/}}"
  if [[ "${RABBITMQ_MANAGEMENT_URL:-}" =~ $URL_PATTERN ]]; then
    export RabbitMq__ManagementPort="${RabbitMq__ManagementPort:-${BASH_REMATCH[4]}}"
  fi
  [[ "$POSTGRES_URL" =~ $URL_PATTERN ]] || { log "POSTGRES_URL is not postgres://user:password@host:port/db"; exit 2; }
  local server="Host=${BASH_REMATCH[3]};Port=${BASH_REMATCH[4]};Username=${BASH_REMATCH[1]};Password=${BASH_REMATCH[2]}"
  local database setting
  for database in Coordinator Bank Flights Hotels Cars; do
    setting="ConnectionStrings__$database"
    export "$setting=${!setting:-$server;Database=transactions_${database,,}}"
  done
}

external=0
[[ -n "${RABBITMQ_URL:-}" && -n "${POSTGRES_URL:-}" ]] && external=1
was_running=$(scripts/services.sh status | grep -c running || true)
scripts/services.sh start
if ((external)); then use_external_servers; fi
# A cluster started with 'services.sh start --cluster N': the services are given all its nodes.
if ((!external)); then eval "$(scripts/services.sh env | grep '^export RabbitMq__Hosts__' || true)"; fi
if ((BUILD)); then dotnet build Transactions.sln -c Release -v quiet -nologo; fi

# Runs one service until this script stops: a service that exits is logged and started again, after 1 s, doubling
# up to 30 s while it keeps dying within a minute of its start. TERM stops the service (gracefully, then by force)
# and the supervisor.
supervise() {
  local name="$1" port="$2" project="$3" pid="" sleeper="" stopping=0 delay=1 started code
  trap 'stopping=1; kill -TERM $pid $sleeper 2>/dev/null || true' TERM
  while ((!stopping)); do
    started=$SECONDS
    dotnet "src/$project/bin/Release/net10.0/Transactions.$project.dll" --contentRoot "$ROOT/src/$project" \
      --urls "http://127.0.0.1:$port" &
    pid=$!
    log "$name started (pid $pid) on http://127.0.0.1:$port"
    code=0
    wait "$pid" || code=$?
    if ((stopping)); then break; fi
    if ((code > 128)); then log "$name (pid $pid) died: killed by signal $((code - 128))"
    else log "$name (pid $pid) exited with code $code"; fi
    pid=""
    if ((SECONDS - started > 60)); then delay=1; fi
    log "restarting $name in ${delay} s"
    sleep "$delay" &
    sleeper=$!
    wait "$sleeper" || true
    sleeper=""
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
  # A service stops within its own 30 s stop timeout; one that does not is killed.
  local deadline=$((SECONDS + 40))
  while [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then log "$name (pid $pid) did not stop; killing it"; kill -KILL "$pid" 2>/dev/null; fi
    sleep 0.2
  done
  wait 2>/dev/null || true
}

supervisors=()
cleanup() {
  trap - INT TERM EXIT
  log "stopping..."
  for supervisor in "${supervisors[@]}"; do kill -TERM "$supervisor" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Stop the servers only when this script started them.
  if ((!external)) && [[ "$was_running" -lt 2 ]]; then scripts/services.sh stop; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export ASPNETCORE_ENVIRONMENT=Development
# Instance i of a service on its base port + 2i; with one instance the names carry no number.
coordinator_urls=(); participants_urls=()
for ((i = 0; i < INSTANCES; i++)); do
  suffix=""; ((INSTANCES > 1)) && suffix="-$((i + 1))"
  supervise "coordinator$suffix" $((COORDINATOR_PORT + 2 * i)) Coordinator &
  supervisors+=($!)
  supervise "participants$suffix" $((PARTICIPANTS_PORT + 2 * i)) Participants.Sample &
  supervisors+=($!)
  coordinator_urls+=("http://127.0.0.1:$((COORDINATOR_PORT + 2 * i))")
  participants_urls+=("http://127.0.0.1:$((PARTICIPANTS_PORT + 2 * i))")
done

for url in "${coordinator_urls[@]}" "${participants_urls[@]}"; do
  deadline=$((SECONDS + 120))
  until curl -fsS "$url/health/ready" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "$url is not ready after 120 s; see the log above"; break; fi
    sleep 0.5
  done
done

servers='  RabbitMQ      amqp://127.0.0.1:55672  management http://127.0.0.1:55673 (transactions / transactions)
  PostgreSQL    127.0.0.1:55432         (transactions / transactions)'
if ((external)); then
  servers="  RabbitMQ      $RabbitMq__Host:$RabbitMq__Port vhost $RabbitMq__VirtualHost   (from RABBITMQ_URL)
  PostgreSQL    from POSTGRES_URL"
fi
cat <<MSG

Transactions is running:
  coordinator   ${coordinator_urls[*]}   (health: /health/ready)
  dashboard     http://127.0.0.1:$COORDINATOR_PORT/dashboard/   (reads need no key in Development; actions need the key below)
  participants  ${participants_urls[*]}   (bank, flights, hotels, cars)
$servers
  API docs      http://127.0.0.1:$COORDINATOR_PORT/scalar/   metrics: /metrics on both services

Call the API with the DEVELOPMENT key (all roles; reads need no key in Development):
  curl -i -X POST http://127.0.0.1:$COORDINATOR_PORT/api/bank-transfers \\
    -H 'X-Api-Key: dev-key-all-roles-not-for-production' -H 'Content-Type: application/json' \\
    -d '{"fromAccount":"alice","toAccount":"bob","amount":10.00,"currency":"EUR"}'
  curl http://127.0.0.1:$COORDINATOR_PORT/api/sagas/<sagaId from the answer>
A service that dies is started again. Press Ctrl-C to stop.
MSG
# The supervisors run until stopped; Ctrl-C interrupts this wait.
wait
