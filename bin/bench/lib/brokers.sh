# shellcheck shell=bash
# shellcheck disable=SC2034 # the BROKER_* results are read by run.sh
# Starting and stopping the systems under test for bin/bench/run.sh, all on 127.0.0.1 with fresh data directories:
#   chronik          bin/chronik-server start (or CHRONIK_CLASSPATH), Chronik's default durability
#   kafka            Apache Kafka 4.4.0 KRaft broker+controller from .bench-cache/kafka, config/bench/*.properties
#   chronik-cluster  three Chronik nodes with enabled = true (skipped with the reason when the cluster cannot form)
#   kafka-cluster    three Kafka KRaft nodes, each broker and controller
# Each start_* function sets, on success:
#   BROKER_PIDS        pids of the server processes
#   BROKER_DATA_DIRS   their data directories
#   BROKER_BOOTSTRAP   bootstrap.servers for clients
#   BROKER_STARTUP_MS  ms from launching the servers to the first acknowledged produce (BenchClient first-produce)
# and returns 1 with BROKER_FAILURE set to a one-line reason when the system does not come up.

# Heap and GC of kafka-server-start.sh / kafka-run-class.sh in the Kafka 4.4 distribution, so Kafka runs as shipped.
KAFKA_JVM_OPTS=(-Xmx1G -Xms1G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true)
STARTUP_TIMEOUT_MS=${BENCH_STARTUP_TIMEOUT_MS:-90000}

# Commands are arrays, not functions, so that a background start is the process itself and its pid is the one the
# harness stops.
bench_client() { "${BENCH_CLIENT[@]}" "$@"; }

# Compiles bin/bench/BenchClient.java against kafka-clients from .kafka-cli/lib when the class is missing or stale.
compile_bench_client() {
    local out="$ROOT/.bench-cache/bench-client"
    BENCH_CLIENT=("$JAVA" -Dlog4j2.configurationFile="$ROOT/.kafka-cli/config/log4j2.properties"
        -cp "$out:$ROOT/.kafka-cli/lib/*" BenchClient)
    if [ ! -f "$out/BenchClient.class" ] || [ "$ROOT/bin/bench/BenchClient.java" -nt "$out/BenchClient.class" ]; then
        mkdir -p "$out"
        "$JAVA_HOME/bin/javac" -nowarn -d "$out" -cp "$ROOT/.kafka-cli/lib/*" "$ROOT/bin/bench/BenchClient.java" ||
            die "cannot compile bin/bench/BenchClient.java"
    fi
}

# CHRONIK_CLASSPATH runs the server from a classpath instead of target/chronik.jar (the test suite does this: its
# classpath has the freshly compiled classes before `mvn package` builds the jar).
if [ -n "${CHRONIK_CLASSPATH:-}" ]; then
    # shellcheck disable=SC2206 # CHRONIK_JAVA_OPTS is a list of JVM options, as in bin/chronik-server
    CHRONIK_SERVER=("$JAVA" ${CHRONIK_JAVA_OPTS:-} -cp "$CHRONIK_CLASSPATH" io.chronik.cli.ChronikServerCli)
else
    CHRONIK_SERVER=("$ROOT/bin/chronik-server")
fi

declare -A BROKER_LOGS=()
BROKER_PIDS=()

# start_server LOG COMMAND...: starts one server process of the system under test.
start_server() {
    start_background "$@"
    BROKER_PIDS+=("$BG_PID")
    BROKER_LOGS[$BG_PID]=$1
}

# await_first_produce DIR BOOTSTRAP LAUNCH_FUNCTION: runs the start-up probe around LAUNCH_FUNCTION (which starts the
# servers and sets BROKER_PIDS) and sets BROKER_STARTUP_MS.
await_first_produce() {
    local dir=$1 bootstrap=$2 launch=$3 probe_pid t0 i line
    start_background "$dir/first-produce.log" "${BENCH_CLIENT[@]}" first-produce "$bootstrap" bench-startup "$STARTUP_TIMEOUT_MS"
    probe_pid=$BG_PID
    for i in $(seq 1 600); do
        grep -q '^ready' "$dir/first-produce.log" 2>/dev/null && break
        is_running "$probe_pid" || break
        sleep 0.05
    done
    if ! grep -q '^ready' "$dir/first-produce.log" 2>/dev/null; then
        stop_pid "$probe_pid"
        BROKER_FAILURE="start-up probe did not start: $(tail -n 1 "$dir/first-produce.log")"
        return 1
    fi
    BROKER_PIDS=()
    t0=$(now_ms)
    "$launch"
    while is_running "$probe_pid"; do
        local pid
        for pid in "${BROKER_PIDS[@]}"; do
            if ! is_running "$pid"; then
                stop_pid "$probe_pid"
                BROKER_FAILURE="server process $pid exited during start-up: $(first_error_line "${BROKER_LOGS[$pid]}")"
                return 1
            fi
        done
        sleep 0.02
    done
    wait "$probe_pid" 2>/dev/null || true
    line=$(grep -E '^(produced|failed)' "$dir/first-produce.log" | tail -n 1)
    if [[ $line != produced* ]]; then
        BROKER_FAILURE="start-up probe ${line:-printed nothing (see $dir/first-produce.log)}"
        return 1
    fi
    BROKER_STARTUP_MS=$(( ${line#produced } - t0 ))
}

# first_error_line LOG: the most telling line of a server log, for skip and failure messages: Chronik's one-line
# "error: ..." or the first exception message (Kafka), else the first ERROR line, else the last line.
first_error_line() {
    local line pattern
    for pattern in '^error: ' '^[a-zA-Z0-9_.$]+(Exception|Error): ' ' ERROR '; do
        line=$(grep -m1 -E "$pattern" "$1" 2>/dev/null || true)
        [ -z "$line" ] || break
    done
    [ -n "$line" ] || line=$(tail -n 1 "$1" 2>/dev/null)
    echo "$(basename "$1"): ${line:-no output}" | cut -c1-300
}

# --- Chronik -----------------------------------------------------------------------------------------------------

start_chronik() { # DIR
    local dir=$1
    CHRONIK_PORT=$(free_port)
    CHRONIK_ADMIN_PORT=$(free_port)
    BROKER_DATA_DIRS=("$dir/data")
    BROKER_BOOTSTRAP="127.0.0.1:$CHRONIK_PORT"
    await_first_produce "$dir" "$BROKER_BOOTSTRAP" launch_chronik
}

launch_chronik() {
    # The admin API's default port (10001) may be taken by another Chronik on this machine.
    start_server "$SYSTEM_DIR/server.log" env CHRONIK_ADMIN_BIND="127.0.0.1:$CHRONIK_ADMIN_PORT" \
        "${CHRONIK_SERVER[@]}" start --bind "127.0.0.1:$CHRONIK_PORT" --data-dir "${BROKER_DATA_DIRS[0]}"
}

start_chronik_cluster() { # DIR
    local dir=$1 i
    local -a kafka_ports wal_ports raft_ports admin_ports
    for i in 1 2 3; do
        kafka_ports[i]=$(free_port) wal_ports[i]=$(free_port) raft_ports[i]=$(free_port) admin_ports[i]=$(free_port)
    done
    BROKER_DATA_DIRS=()
    BROKER_BOOTSTRAP=""
    for i in 1 2 3; do
        mkdir -p "$dir/node-$i"
        BROKER_DATA_DIRS+=("$dir/node-$i/data")
        BROKER_BOOTSTRAP+="${BROKER_BOOTSTRAP:+,}127.0.0.1:${kafka_ports[i]}"
        {
            echo "# Chronik node $i of the 3-node benchmark cluster (generated by bin/bench/run.sh)"
            echo "data_dir = \"$dir/node-$i/data\""
            echo "enabled = true"
            echo "node_id = $i"
            echo "replication_factor = 3"
            echo "min_insync_replicas = 2"
            local j
            for j in 1 2 3; do
                printf '[[peers]]\nid = %d\nkafka = "127.0.0.1:%d"\nwal = "127.0.0.1:%d"\nraft = "127.0.0.1:%d"\n' \
                    "$j" "${kafka_ports[j]}" "${wal_ports[j]}" "${raft_ports[j]}"
            done
            # Every listener on 127.0.0.1 (a cluster node binds all interfaces by default) and on this run's ports.
            echo "[kafka]"
            echo "bind = \"127.0.0.1:${kafka_ports[i]}\""
            echo "[wal]"
            echo "bind = \"127.0.0.1:${wal_ports[i]}\""
            echo "[raft]"
            echo "bind = \"127.0.0.1:${raft_ports[i]}\""
            echo "[admin]"
            echo "bind = \"127.0.0.1:${admin_ports[i]}\""
        } >"$dir/node-$i/chronik.toml"
    done
    await_first_produce "$dir" "$BROKER_BOOTSTRAP" launch_chronik_cluster
}

launch_chronik_cluster() {
    local i
    for i in 1 2 3; do
        start_server "$SYSTEM_DIR/node-$i-server.log" "${CHRONIK_SERVER[@]}" start --config "$SYSTEM_DIR/node-$i/chronik.toml"
    done
}

# --- Apache Kafka --------------------------------------------------------------------------------------------------

KAFKA_HOME="$ROOT/.bench-cache/kafka"

# kafka_node_config DIR NODE_ID VOTERS PORT CONTROLLER_PORT [EXTRA_FILE]: writes DIR/server.properties.
kafka_node_config() {
    local dir=$1 id=$2 voters=$3 port=$4 controller_port=$5 extra=${6:-}
    mkdir -p "$dir"
    {
        cat "$ROOT/config/bench/kafka-server.properties"
        [ -z "$extra" ] || cat "$extra"
        echo
        echo "# Set by bin/bench/run.sh for this process"
        echo "node.id=$id"
        echo "listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port"
        echo "advertised.listeners=PLAINTEXT://127.0.0.1:$port"
        echo "controller.quorum.voters=$voters"
        echo "log.dirs=$dir/data"
    } >"$dir/server.properties"
}

kafka_format() { # CLUSTER_ID CONFIG LOG
    "$JAVA" -cp "$KAFKA_HOME/lib/*" -Dlog4j2.configurationFile="$KAFKA_HOME/config/log4j2.properties" \
        kafka.tools.StorageTool format -t "$1" -c "$2" >"$3" 2>&1 ||
        { BROKER_FAILURE="kafka-storage format failed: $(tail -n 1 "$3")"; return 1; }
}

kafka_cluster_id() {
    "$JAVA" -cp "$KAFKA_HOME/lib/*" -Dlog4j2.configurationFile="$KAFKA_HOME/config/log4j2.properties" \
        kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1
}

start_kafka_nodes() { # DIR COUNT [EXTRA_FILE]
    local dir=$1 count=$2 extra=${3:-} i voters="" cluster_id
    local -a ports controller_ports
    for i in $(seq 1 "$count"); do
        ports[i]=$(free_port) controller_ports[i]=$(free_port)
        voters+="${voters:+,}$i@127.0.0.1:${controller_ports[i]}"
    done
    cluster_id=$(kafka_cluster_id)
    [ -n "$cluster_id" ] || { BROKER_FAILURE="kafka-storage random-uuid printed nothing"; return 1; }
    BROKER_DATA_DIRS=()
    BROKER_BOOTSTRAP=""
    KAFKA_NODE_DIRS=()
    for i in $(seq 1 "$count"); do
        kafka_node_config "$dir/node-$i" "$i" "$voters" "${ports[i]}" "${controller_ports[i]}" "$extra"
        kafka_format "$cluster_id" "$dir/node-$i/server.properties" "$dir/node-$i/format.log" || return 1
        BROKER_DATA_DIRS+=("$dir/node-$i/data")
        KAFKA_NODE_DIRS+=("$dir/node-$i")
        BROKER_BOOTSTRAP+="${BROKER_BOOTSTRAP:+,}127.0.0.1:${ports[i]}"
    done
    await_first_produce "$dir" "$BROKER_BOOTSTRAP" launch_kafka_nodes
}

launch_kafka_nodes() {
    local node
    for node in "${KAFKA_NODE_DIRS[@]}"; do
        start_server "$SYSTEM_DIR/$(basename "$node")-server.log" "$JAVA" "${KAFKA_JVM_OPTS[@]}" \
            -cp "$KAFKA_HOME/lib/*" -Dlog4j2.configurationFile="$KAFKA_HOME/config/log4j2.properties" \
            kafka.Kafka "$node/server.properties"
    done
}

start_kafka() { start_kafka_nodes "$1" 1; }

start_kafka_cluster() { start_kafka_nodes "$1" 3 "$ROOT/config/bench/kafka-cluster.properties"; }

# Signals every server first, then waits: a Kafka node stopped alone waits for the quorum of the others.
stop_brokers() {
    stop_pids_together "${BROKER_PIDS[@]}"
    BROKER_PIDS=()
}
