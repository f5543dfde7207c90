#!/usr/bin/env bash
# Runs every test against a real RabbitMQ and PostgreSQL, setting up what is missing (idempotent):
#   scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Servers given by RABBITMQ_URL and POSTGRES_URL are someone else's; the project-local ones are left running for the
# next run, which then starts at once.
own_servers=1
[[ -n "${RABBITMQ_URL:-}" && -n "${POSTGRES_URL:-}" ]] && own_servers=0
scripts/services.sh start
eval "$(scripts/services.sh env)"

# Debian packages the tests need, installed with apt-get where missing: Chromium, which the dashboard tests drive
# through Playwright (Playwright's own browser download needs a network that CI does not have), and the Python sample
# participant's libraries (samples/python-cars runs on Debian's python3, with no pip).
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
/usr/bin/python3 -c 'import pika, psycopg2' 2>/dev/null || missing+=(python3-pika python3-psycopg2)
if ((${#missing[@]})); then
  echo "[test] installing ${missing[*]} with apt-get" >&2
  as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

results="$ROOT/.local/test-results"
rm -rf "$results"
status=0
dotnet test Transactions.sln -c Release --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" "$@" || status=$?

# One closing line over all test projects, in the plain form CI reads; the note on the servers just before it.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${n:-0}))
done
if ((own_servers)); then
  echo "[test] RabbitMQ and PostgreSQL are still running (scripts/services.sh status); stop them with: scripts/services.sh stop" >&2
fi
echo "$passed passed, $failed failed, $skipped skipped"
if ((status == 0 && passed == 0)); then echo "no test ran" >&2; exit 1; fi
exit "$status"
