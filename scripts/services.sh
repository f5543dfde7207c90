#!/usr/bin/env bash
# Gives the product and its tests a RabbitMQ (with the management plugin) and a PostgreSQL on loopback.
#
#   scripts/services.sh start    install where missing, start project-local instances (idempotent)
#   scripts/services.sh start --cluster 3
#                                the same with a RabbitMQ cluster of 3 nodes in place of the single node (see
#                                scripts/rabbitmq-cluster.sh); later starts keep the cluster until stop
#   scripts/services.sh stop     stop what start started; nothing is left running
#   scripts/services.sh status   say what is running and where
#   scripts/services.sh env      print the variables to export:  eval "$(scripts/services.sh env)"
#
# If RABBITMQ_URL is set, that RabbitMQ is used and none is started; likewise POSTGRES_URL and PostgreSQL.
# Project-local instances keep their data under .local/ (git-ignored) and use non-default ports,
# so they never collide with a system RabbitMQ or PostgreSQL.
# The credentials below are LOCAL DEVELOPMENT DEFAULTS for servers bound to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="${TRANSACTIONS_LOCAL_DIR:-$ROOT/.local}"

PG_PORT="${TRANSACTIONS_PG_PORT:-55432}"
AMQP_PORT="${TRANSACTIONS_AMQP_PORT:-55672}"
MGMT_PORT="${TRANSACTIONS_MGMT_PORT:-55673}"
DIST_PORT="${TRANSACTIONS_DIST_PORT:-55674}"
DEV_USER=transactions
DEV_VHOST=transactions
DEV_PASS=transactions
NODE="transactions-$(printf '%s' "$LOCAL" | md5sum | cut -c1-8)@localhost"

PG_DIR="$LOCAL/postgres"
RMQ_DIR="$LOCAL/rabbitmq"

log() { printf '[services] %s\n' "$*" >&2; }

rmq_external() { [[ -n "${RABBITMQ_URL:-}" ]]; }
pg_external() { [[ -n "${POSTGRES_URL:-}" ]]; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # policy-rc.d keeps the packages from starting system-wide instances we do not use.
  as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  as_root rm -f /usr/sbin/policy-rc.d
}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/pg_ctl" ]] && { echo "$d"; return; }; done
  return 1
}

rmq_bin() { [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] && echo /usr/lib/rabbitmq/bin; }

ensure_installed() {
  local missing=()
  pg_bin >/dev/null || missing+=(postgresql)
  rmq_bin >/dev/null || missing+=(rabbitmq-server)
  command -v curl >/dev/null || missing+=(curl)
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

# PostgreSQL refuses to run as root, so as root it runs as the 'postgres' account.
pg_run() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { [[ -f "$PG_DIR/data/postmaster.pid" ]] && pg_run "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; }

start_postgres() {
  local bin; bin="$(pg_bin)"
  mkdir -p "$PG_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$PG_DIR"
    # The postgres account must be able to reach the data folder.
    local p="$PG_DIR"; while [[ "$p" != "/" ]]; do p="$(dirname "$p")"; chmod o+x "$p" 2>/dev/null || true; done
  fi
  if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
    log "initialising PostgreSQL in $PG_DIR/data"
    printf '%s\n' "$DEV_PASS" > "$PG_DIR/pwfile"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DIR/pwfile"
    pg_run "$bin/initdb" -D "$PG_DIR/data" -U "$DEV_USER" --pwfile="$PG_DIR/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$PG_DIR/pwfile"
    cat >> "$PG_DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 400
shared_buffers = 256MB
fsync = on
synchronous_commit = on
EOF
  fi
  # The benches count SQL statements per transfer with pg_stat_statements; an instance made before it was added
  # gets it here and is restarted once.
  if ! grep -q '^shared_preload_libraries' "$PG_DIR/data/postgresql.conf"; then
    echo "shared_preload_libraries = 'pg_stat_statements'" >> "$PG_DIR/data/postgresql.conf"
    if pg_running; then
      log "restarting PostgreSQL to load pg_stat_statements"
      pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 restart -l "$PG_DIR/postgres.log" >/dev/null
    fi
  fi
  if pg_running; then log "PostgreSQL already running on 127.0.0.1:$PG_PORT"; return; fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 start >/dev/null
}

# Who listens on TCP port $1 of this machine: "name (pid N)" where ss can tell. Fails when nothing listens.
port_holder() {
  command -v ss >/dev/null || return 1
  local line
  line=$(ss -H -ltnp "sport = :$1" 2>/dev/null | head -1)
  [[ -n "$line" ]] || return 1
  if [[ "$line" =~ users:\(\(\"([^\"]+)\",pid=([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]} (pid ${BASH_REMATCH[2]})"
  else
    echo "a process of another user"
  fi
}

# Stops before starting $3 when port $1 is taken by something else (another checkout's servers, a system
# PostgreSQL): the server's own error would only say to examine its log.
require_free_port() {
  local holder
  holder=$(port_holder "$1") || return 0
  log "cannot start $3: port $1 is taken by $holder. Stop that, or choose another port: $2=<port> $0 start"
  exit 1
}

rmq_env() {
  export HOME="${RMQ_HOME:-$RMQ_DIR}" # the Erlang cookie lives here, shared by server and rabbitmqctl (and a cluster's nodes)
  export RABBITMQ_NODENAME="$NODE"
  export RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
  export RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
  export RABBITMQ_LOG_BASE="$RMQ_DIR/log"
  export RABBITMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
  export RABBITMQ_DIST_PORT="$DIST_PORT"
  export RABBITMQ_NODE_PORT="$AMQP_PORT"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} ${RMQ_ERL_ARGS:-}"
}

rmqctl() { (rmq_env; "$(rmq_bin)/rabbitmqctl" -n "$NODE" "$@"); }

rmq_running() { rmqctl ping >/dev/null 2>&1; }

start_rabbitmq() {
  mkdir -p "$RMQ_DIR/log" "$RMQ_DIR/mnesia"
  cat > "$RMQ_DIR/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
default_user = $DEV_USER
default_pass = $DEV_PASS
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
loopback_users = none
EOF
  echo '[rabbitmq_management].' > "$RMQ_DIR/enabled_plugins"
  if rmq_running; then log "RabbitMQ $NODE already running on 127.0.0.1:$AMQP_PORT"; ensure_vhost; return; fi
  log "starting RabbitMQ $NODE on 127.0.0.1:$AMQP_PORT (management on :$MGMT_PORT)"
  (rmq_env; cd "$RMQ_DIR"; "$(rmq_bin)/rabbitmq-server" -detached >/dev/null 2>&1)
  # -detached returns before the node registers with epmd, so wait for it to answer first.
  local deadline=$((SECONDS + 60))
  until rmqctl ping >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "RabbitMQ $NODE did not start; see $RMQ_DIR/log"; exit 1; }
    sleep 0.5
  done
  rmqctl await_startup --timeout 120 >/dev/null
  deadline=$((SECONDS + 60))
  until curl -fsS -u "$DEV_USER:$DEV_PASS" "http://127.0.0.1:$MGMT_PORT/api/overview" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "management API did not answer on :$MGMT_PORT"; exit 1; }
    sleep 0.5
  done
  [[ -n "${SKIP_VHOST:-}" ]] || ensure_vhost
}

# The services' virtual host, made with quorum as its default queue type: MassTransit declares a queue it sends to
# without a type, and that declaration must match the quorum queue the receiving endpoint declares.
ensure_vhost() {
  local api="http://127.0.0.1:$MGMT_PORT/api"
  curl -fsS -u "$DEV_USER:$DEV_PASS" "$api/vhosts/$DEV_VHOST" >/dev/null 2>&1 && return
  log "creating RabbitMQ virtual host $DEV_VHOST (default queue type quorum)"
  curl -fsS -u "$DEV_USER:$DEV_PASS" -X PUT -H 'content-type: application/json' \
    -d '{"defaultqueuetype":"quorum"}' "$api/vhosts/$DEV_VHOST" >/dev/null
  curl -fsS -u "$DEV_USER:$DEV_PASS" -X PUT -H 'content-type: application/json' \
    -d '{"configure":".*","write":".*","read":".*"}' "$api/permissions/$DEV_VHOST/$DEV_USER" >/dev/null
}

stop_rabbitmq() {
  if [[ -n "$(rmq_bin || true)" ]] && rmq_running; then
    log "stopping RabbitMQ $NODE"
    rmqctl stop >/dev/null 2>&1 || true
  fi
  rm -f "$RMQ_DIR/rabbitmq.pid"
}

stop_all() {
  if ! rmq_external; then
    stop_rabbitmq
    cluster_stop
  fi
  # epmd starts with the first Erlang node; stop it too when no node is left registered with it.
  if command -v epmd >/dev/null && ! epmd -names 2>/dev/null | grep -q '^name '; then epmd -kill >/dev/null 2>&1 || true; fi
  if ! pg_external && [[ -n "$(pg_bin || true)" ]] && pg_running; then
    log "stopping PostgreSQL"
    pg_run "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
  fi
}

print_env() {
  if rmq_external; then
    echo "export RABBITMQ_URL='$RABBITMQ_URL'"
    echo "export RABBITMQ_MANAGEMENT_URL='${RABBITMQ_MANAGEMENT_URL:-}'"
  elif cluster_size >/dev/null; then
    cluster_env
  else
    echo "export RABBITMQ_URL='amqp://$DEV_USER:$DEV_PASS@127.0.0.1:$AMQP_PORT/$DEV_VHOST'"
    echo "export RABBITMQ_MANAGEMENT_URL='http://$DEV_USER:$DEV_PASS@127.0.0.1:$MGMT_PORT/'"
  fi
  if pg_external; then
    echo "export POSTGRES_URL='$POSTGRES_URL'"
  else
    echo "export POSTGRES_URL='postgres://$DEV_USER:$DEV_PASS@127.0.0.1:$PG_PORT/postgres'"
  fi
}

status() {
  if pg_external; then echo "postgres: external, $POSTGRES_URL"
  elif [[ -n "$(pg_bin || true)" ]] && pg_running; then echo "postgres: running on 127.0.0.1:$PG_PORT"
  else echo "postgres: stopped"; fi
  if rmq_external; then echo "rabbitmq: external, $RABBITMQ_URL"
  elif cluster_size >/dev/null; then cluster_status
  elif [[ -n "$(rmq_bin || true)" ]] && rmq_running; then echo "rabbitmq: running on 127.0.0.1:$AMQP_PORT (management :$MGMT_PORT)"
  else echo "rabbitmq: stopped"; fi
}

# shellcheck source=scripts/rabbitmq-cluster.sh
source "$ROOT/scripts/rabbitmq-cluster.sh"

start() {
  local nodes=""
  if [[ "${1:-}" == --cluster ]]; then
    nodes="${2:-}"
    [[ "$nodes" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 start [--cluster NODES]" >&2; exit 2; }
  fi
  if rmq_external && pg_external; then log "RABBITMQ_URL and POSTGRES_URL are set: using those servers"; return; fi
  ensure_installed
  if ! pg_external; then
    pg_running || require_free_port "$PG_PORT" TRANSACTIONS_PG_PORT PostgreSQL
    start_postgres
  fi
  rmq_external && { log "RABBITMQ_URL is set: using that RabbitMQ"; return; }
  # A cluster once started is kept by later starts, until stop.
  [[ -z "$nodes" ]] && nodes="$(cluster_size || true)"
  if [[ -n "$nodes" ]]; then
    rmq_running && { log "the single RabbitMQ node $NODE runs on :$AMQP_PORT; stop it first ($0 stop)"; exit 1; }
    cluster_start "$nodes"
    return
  fi
  if ! rmq_running; then
    require_free_port "$AMQP_PORT" TRANSACTIONS_AMQP_PORT RabbitMQ
    require_free_port "$MGMT_PORT" TRANSACTIONS_MGMT_PORT "RabbitMQ's management plugin"
    require_free_port "$DIST_PORT" TRANSACTIONS_DIST_PORT "RabbitMQ's distribution listener"
  fi
  start_rabbitmq
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop_all ;;
  status) status ;;
  env) print_env ;;
  rabbitmqctl) shift; rmqctl "$@" ;;
  cluster-ctl) shift; cluster_ctl "$@" ;;
  *) echo "usage: $0 start [--cluster NODES]|stop|status|env|rabbitmqctl ARGS|cluster-ctl NODE ARGS" >&2; exit 2 ;;
esac
