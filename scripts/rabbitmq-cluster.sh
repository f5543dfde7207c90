# A RabbitMQ cluster on loopback, for scripts/services.sh (sourced by it; use 'services.sh start --cluster N').
#
# Node i (1..N) is rabbit-i-<checkout>@localhost, keeps its data under .local/rabbitmq-cluster/node-i and listens on
# the single node's ports shifted by 3(i-1): with the defaults, node 1 on 55672 (AMQP), 55673 (management) and 55674
# (Erlang distribution), node 2 on 55675-55677, node 3 on 55678-55680. Node 1 thus stands where the single node
# would, and RABBITMQ_URL is unchanged. All nodes share one Erlang cookie (in .local/rabbitmq-cluster, their HOME),
# without which they could not talk; nodes 2..N join node 1. The cluster's size is kept in
# .local/rabbitmq-cluster/size from start to stop, so that env, status and later starts know it.

CLUSTER_DIR="$LOCAL/rabbitmq-cluster"
CLUSTER_ID="$(printf '%s' "$LOCAL" | md5sum | cut -c1-8)"
BASE_AMQP_PORT="$AMQP_PORT"
BASE_MGMT_PORT="$MGMT_PORT"
BASE_DIST_PORT="$DIST_PORT"

# Points the single-node functions of services.sh (rmq_env, start_rabbitmq, rmqctl, ...) at node $1; call in a
# subshell, since it sets their globals.
cluster_node() {
  NODE="rabbit-$1-$CLUSTER_ID@localhost"
  RMQ_DIR="$CLUSTER_DIR/node-$1"
  RMQ_HOME="$CLUSTER_DIR"
  AMQP_PORT=$((BASE_AMQP_PORT + 3 * ($1 - 1)))
  MGMT_PORT=$((BASE_MGMT_PORT + 3 * ($1 - 1)))
  DIST_PORT=$((BASE_DIST_PORT + 3 * ($1 - 1)))
  # Two cores shared by three nodes and the services: one scheduler thread per node rather than one per core.
  RMQ_ERL_ARGS="+S 1:1"
}

# The size of the cluster started here, failing when none was.
cluster_size() { [[ -f "$CLUSTER_DIR/size" ]] && cat "$CLUSTER_DIR/size"; }

cluster_nodes() { seq 1 "$(cluster_size)"; }

# rabbitmqctl against node $1 of the cluster: cluster_ctl 2 list_queues name leader
cluster_ctl() { local i="$1"; shift; (cluster_node "$i"; rmqctl "$@"); }

cluster_running() { (cluster_node "$1"; rmq_running); }

# True when node $1 already belongs to node 1's cluster.
cluster_member() {
  local first; first="$(cluster_node 1; echo "$NODE")"
  cluster_ctl "$1" cluster_status --formatter json 2>/dev/null | grep -q "\"$first\""
}

# Runs a command and shows what it wrote only when it fails: rabbitmqctl reports a node's restart on its way as
# warnings and errors that mean nothing once it has joined.
quietly() {
  local out
  out="$("$@" 2>&1)" || { printf '%s\n' "$out" >&2; return 1; }
}

start_node() {
  (cluster_node "$1"; SKIP_VHOST=1 start_rabbitmq) ||
    { log "RabbitMQ node $1 did not start; see $CLUSTER_DIR/node-$1/log"; return 1; }
}

cluster_start() {
  local size="$1" i pids=() failed=0
  if [[ -n "$(cluster_size || true)" && "$(cluster_size)" != "$size" ]]; then
    log "a cluster of $(cluster_size) nodes was started here; stop it first ($0 stop)"; exit 1
  fi
  mkdir -p "$CLUSTER_DIR"
  # One cookie for every node, made before any starts: a node that finds none makes its own.
  if [[ ! -f "$CLUSTER_DIR/.erlang.cookie" ]]; then
    (umask 077; head -c 32 /dev/urandom | md5sum | cut -c1-20 > "$CLUSTER_DIR/.erlang.cookie")
    chmod 400 "$CLUSTER_DIR/.erlang.cookie"
  fi
  for i in $(seq 1 "$size"); do
    cluster_running "$i" && continue
    (
      cluster_node "$i"
      require_free_port "$AMQP_PORT" TRANSACTIONS_AMQP_PORT "RabbitMQ node $i"
      require_free_port "$MGMT_PORT" TRANSACTIONS_MGMT_PORT "RabbitMQ node $i's management plugin"
      require_free_port "$DIST_PORT" TRANSACTIONS_DIST_PORT "RabbitMQ node $i's distribution listener"
    )
  done
  echo "$size" > "$CLUSTER_DIR/size"

  # Nodes clustered before start one at a time, node 1 first: it was the last to stop (cluster_stop), so it boots
  # from its own data without waiting for the others, and RabbitMQ 3.10 nodes of one cluster booting together can
  # fail exchanging feature flags. New nodes, not clustered yet, start together.
  if [[ -d "$CLUSTER_DIR/node-2/mnesia/$(cluster_node 2; echo "$NODE")" ]]; then
    for i in $(seq 1 "$size"); do start_node "$i" || exit 1; done
  else
    for i in $(seq 1 "$size"); do start_node "$i" & pids+=($!); done
    for i in "${pids[@]}"; do wait "$i" || failed=1; done
    ((failed == 0)) || exit 1
  fi

  local first; first="$(cluster_node 1; echo "$NODE")"
  for i in $(seq 2 "$size"); do
    cluster_member "$i" && continue
    log "joining RabbitMQ node $i to $first"
    quietly cluster_ctl "$i" stop_app
    quietly cluster_ctl "$i" reset
    quietly cluster_ctl "$i" join_cluster "$first"
    quietly cluster_ctl "$i" start_app
    quietly cluster_ctl "$i" await_startup --timeout 120
  done
  (cluster_node 1; ensure_vhost)
}

# Node 1 last, so that it is the one to start first next time.
cluster_stop() {
  local i
  [[ -n "$(cluster_size || true)" ]] || return 0
  for i in $(cluster_nodes | sort -rn); do (cluster_node "$i"; stop_rabbitmq); done
  rm -f "$CLUSTER_DIR/size"
}

cluster_status() {
  local i
  for i in $(cluster_nodes); do
    (
      cluster_node "$i"
      if [[ -n "$(rmq_bin || true)" ]] && rmq_running; then
        echo "rabbitmq node $i ($NODE): running on 127.0.0.1:$AMQP_PORT (management :$MGMT_PORT)"
      else
        echo "rabbitmq node $i ($NODE): stopped"
      fi
    )
  done
}

# Node 1 as RABBITMQ_URL, for the tests and run.sh; every node as RabbitMq__Hosts__N, which the services prefer.
cluster_env() {
  local i
  echo "export RABBITMQ_URL='amqp://$DEV_USER:$DEV_PASS@127.0.0.1:$BASE_AMQP_PORT/$DEV_VHOST'"
  echo "export RABBITMQ_MANAGEMENT_URL='http://$DEV_USER:$DEV_PASS@127.0.0.1:$BASE_MGMT_PORT/'"
  for i in $(cluster_nodes); do
    echo "export RabbitMq__Hosts__$((i - 1))='127.0.0.1:$((BASE_AMQP_PORT + 3 * (i - 1)))'"
  done
}
