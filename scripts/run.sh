#!/usr/bin/env bash
# Runs the product on this machine: RabbitMQ and PostgreSQL (started if needed), the coordinator on
# http://127.0.0.1:5080 and all sample participants on http://127.0.0.1:5081. Ctrl-C stops everything it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

was_running=$(scripts/services.sh status | grep -c running || true)
scripts/services.sh start
dotnet build Transactions.sln -c Release -v quiet -nologo

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo "stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Stop the servers only when this script started them.
  if [[ "$was_running" -lt 2 ]]; then scripts/services.sh stop; fi
}
trap cleanup INT TERM EXIT

export ASPNETCORE_ENVIRONMENT=Development
dotnet src/Coordinator/bin/Release/net10.0/Transactions.Coordinator.dll --contentRoot "$ROOT/src/Coordinator" &
pids+=($!)
dotnet src/Participants.Sample/bin/Release/net10.0/Transactions.Participants.Sample.dll --contentRoot "$ROOT/src/Participants.Sample" &
pids+=($!)

for url in http://127.0.0.1:5080 http://127.0.0.1:5081; do
  deadline=$((SECONDS + 60))
  until curl -fsS "$url/health/ready" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "$url did not become ready; see the log above" >&2; exit 1; }
    sleep 0.5
  done
done

cat <<MSG

Transactions is running:
  coordinator   http://127.0.0.1:5080   (health: /health/ready)
  dashboard     http://127.0.0.1:5080/dashboard/   (reads need no key in Development; actions need the key below)
  participants  http://127.0.0.1:5081   (bank, flights, hotels, cars)
  RabbitMQ      amqp://127.0.0.1:55672  management http://127.0.0.1:55673 (transactions / transactions)
  PostgreSQL    127.0.0.1:55432         (transactions / transactions)
  API docs      http://127.0.0.1:5080/scalar/   metrics: /metrics on both services

Call the API with the DEVELOPMENT key (all roles; reads need no key in Development):
  curl -i -X POST http://127.0.0.1:5080/api/bank-transfers \\
    -H 'X-Api-Key: dev-key-all-roles-not-for-production' -H 'Content-Type: application/json' \\
    -d '{"fromAccount":"alice","toAccount":"bob","amount":10.00,"currency":"EUR"}'
  curl http://127.0.0.1:5080/api/sagas/<sagaId from the answer>
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
