#!/usr/bin/env bash
# Chronik against Apache Kafka 4.4.0 on this machine, same workloads, same warm-up, one invocation
# (docs/performance.md explains the workloads, the durability settings and how to read the results).
#
#   bin/bench/run.sh [--smoke] [--systems LIST] [--rounds N] [--no-cluster | --cluster] [--keep-data] [--out DIR]
#
#   --smoke        tiny record counts (seconds, not minutes); systems default to chronik, plus kafka when the
#                  Kafka broker is already in .bench-cache; no cluster workload
#   --systems      comma-separated subset of chronik,kafka,kafka-fsync (default: all three)
#   --rounds N     run the sequence of systems N times (chronik, kafka, kafka-fsync, chronik, ...) and report the
#                  median of each measurement over the rounds (default 1)
#   --cluster      run workload 4 (3-node clusters of both systems); default in full mode
#   --no-cluster   skip workload 4
#   --keep-data    keep the servers' data directories (deleted after each system by default: they hold GiBs)
#   --out DIR      results directory (default: bench-results/<timestamp>)
# Environment: BENCH_W1_RECORDS, BENCH_W2_SECONDS, BENCH_W3_RECORDS, BENCH_W4_RECORDS, BENCH_WARMUP_RECORDS,
#   BENCH_MAX_RUN_SECONDS override the mode's sizes; BENCH_PRODUCER_PROPS adds producer properties (k=v ...);
#   CHRONIK_CLASSPATH runs Chronik from a classpath instead of target/chronik.jar.
#
# The systems run one after another, each with a fresh data directory and a fresh process:
#   chronik      Chronik standalone, default durability (fsync before acknowledging)
#   kafka        Kafka KRaft broker+controller, Kafka's default durability (no fsync; page cache)
#   kafka-fsync  the same Kafka, topics with flush.messages=1 (fsync before acknowledging)
# Output: a table on stdout; results.csv (every measurement), summary.csv, summary.md, chart.png, env.txt and the
# logs of every server and tool run, under the results directory.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/java.sh
source "$ROOT/bin/lib/java.sh"
chronik_find_java || exit 1
# shellcheck source=lib/processes.sh
source "$ROOT/bin/bench/lib/processes.sh"
# shellcheck source=lib/brokers.sh
source "$ROOT/bin/bench/lib/brokers.sh"
# shellcheck source=lib/workloads.sh
source "$ROOT/bin/bench/lib/workloads.sh"

MODE=full SYSTEMS="" CLUSTER="" KEEP_DATA=false OUT="" ROUNDS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) MODE=smoke ;;
        --systems) SYSTEMS=${2:?--systems needs a list}; shift ;;
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
        --cluster) CLUSTER=true ;;
        --no-cluster) CLUSTER=false ;;
        --keep-data) KEEP_DATA=true ;;
        --out) OUT=${2:?--out needs a directory}; shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see bin/bench/run.sh --help)" ;;
    esac
    shift
done

if [ "$MODE" = full ]; then
    WARMUP_RECORDS=${BENCH_WARMUP_RECORDS:-100000} W1_RECORDS=${BENCH_W1_RECORDS:-1000000}
    W2_SECONDS=${BENCH_W2_SECONDS:-20} W3_RECORDS=${BENCH_W3_RECORDS:-2000000} W4_RECORDS=${BENCH_W4_RECORDS:-300000}
    MAX_RUN_SECONDS=${BENCH_MAX_RUN_SECONDS:-60} CONSUME_IDLE_TIMEOUT_MS=10000
    : "${SYSTEMS:=chronik,kafka,kafka-fsync}" "${CLUSTER:=true}"
else
    WARMUP_RECORDS=${BENCH_WARMUP_RECORDS:-500} W1_RECORDS=${BENCH_W1_RECORDS:-2000}
    W2_SECONDS=${BENCH_W2_SECONDS:-1} W3_RECORDS=${BENCH_W3_RECORDS:-5000} W4_RECORDS=${BENCH_W4_RECORDS:-2000}
    MAX_RUN_SECONDS=${BENCH_MAX_RUN_SECONDS:-30} CONSUME_IDLE_TIMEOUT_MS=5000
    if [ -z "$SYSTEMS" ]; then
        SYSTEMS=chronik
        [ ! -f "$ROOT/.bench-cache/kafka/.complete" ] || SYSTEMS=chronik,kafka
    fi
    : "${CLUSTER:=false}"
    export BENCH_NO_INSTALL=${BENCH_NO_INSTALL:-1} # smoke runs draw a chart only if gnuplot is already there
fi
WARMUP_SECONDS=$(( MAX_RUN_SECONDS / 3 > 10 ? MAX_RUN_SECONDS / 3 : 10 ))
export CONSUME_IDLE_TIMEOUT_MS
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive number, not '$ROUNDS'"
IFS=, read -r -a SYSTEM_LIST <<<"$SYSTEMS"
for system in "${SYSTEM_LIST[@]}"; do
    case "$system" in chronik | kafka | kafka-fsync) ;; *) die "unknown system '$system' (chronik, kafka, kafka-fsync)" ;; esac
done
needs_kafka=false
[[ ",$SYSTEMS," != *,kafka* ]] && [ "$CLUSTER" != true ] || needs_kafka=true

# --- Prerequisites: the Kafka tools, the Kafka broker (only if a Kafka system runs), the Chronik build -------------
[ -x "$ROOT/.kafka-cli/bin/kafka-producer-perf-test" ] || { log "installing the Kafka tools (make kafka-cli)"; "$ROOT/bin/kafka-cli/install.sh" >&2; }
! $needs_kafka || "$ROOT/bin/bench/kafka/install.sh"
if [ -z "${CHRONIK_CLASSPATH:-}" ] && [ ! -f "$ROOT/target/chronik.jar" ]; then
    die "target/chronik.jar is missing; run 'make build' first (make bench does)"
fi
compile_bench_client

RUN=${OUT:-"$ROOT/bench-results/$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
RESULTS_CSV="$RUN/results.csv"
echo "system,workload_id,workload,metric,value,unit,better,note,round" >"$RESULTS_CSV"
trap 'stop_all_started' EXIT
trap 'exit 130' INT TERM
BENCH_START=$(now_ms)

# --- Machine and settings, for the report ------------------------------------------------------------------------
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    if env | grep -qE '^BENCH_(W[1-4]_RECORDS|W2_SECONDS|WARMUP_RECORDS|MAX_RUN_SECONDS)='; then
        echo "mode: $MODE, sizes overridden by BENCH_* variables"
    else
        echo "mode: $MODE"
    fi
    echo "systems: $SYSTEMS; cluster workload: $CLUSTER; rounds: $ROUNDS (median reported)"
    echo "records: warm-up $WARMUP_RECORDS; W1 $W1_RECORDS; W2 ${W2_SECONDS}s per rate; W3 $W3_RECORDS; W4 $W4_RECORDS"
    echo "cap per tool run: ${MAX_RUN_SECONDS} s (warm-up ${WARMUP_SECONDS} s)"
    echo "chronik commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (src has uncommitted changes)')"
    echo "cpu: $(nproc) x $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "disk: $(df -hT "$RUN" | awk 'NR == 2 {print $1, $2, $3}')"
    echo "kernel: $(uname -sr)"
    echo "java: $("$JAVA" -version 2>&1 | head -n 1)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "durability chronik: flush.messages=1 (Chronik's default): acknowledged after fsync"
    echo "durability kafka: Kafka's default (log.flush.interval.messages=Long.MAX_VALUE): acknowledged from the page cache"
    echo "durability kafka-fsync: topic flush.messages=1: acknowledged after fsync"
    echo "durability cluster: acks=all with RF 3 and min.insync.replicas=2 on both; Kafka default flush, Chronik fsync"
} >"$RUN/env.txt"
log "results in $RUN"
sed 's/^/  /' "$RUN/env.txt" >&2

# after_run SYSTEM WORKLOAD_ID WORKLOAD: RSS, disk writes and disk usage of the running servers.
after_run() {
    local system=$1 id=$2 label=$3 pid rss=0 written=0 used=0 dir io_ok=true
    for pid in "${BROKER_PIDS[@]}"; do
        rss=$((rss + $(rss_kib "$pid" || echo 0)))
        local wb
        wb=$(write_bytes "$pid")
        [ -n "$wb" ] || io_ok=false
        written=$((written + ${wb:-0}))
    done
    for dir in "${BROKER_DATA_DIRS[@]}"; do
        used=$((used + $(disk_usage_bytes "$dir" || echo 0)))
    done
    metric "$system" "$id" "$label" "RSS" "$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')" "MiB" lower
    metric "$system" "$id" "$label" "produced payload" \
        "$(awk -v b="$PRODUCED_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')" "MiB" -
    if [ "$PRODUCED_BYTES" -gt 0 ]; then
        if $io_ok; then
            metric "$system" "$id" "$label" "disk writes per produced byte" \
                "$(awk -v w="$written" -v p="$PRODUCED_BYTES" 'BEGIN { printf "%.2f", w / p }')" "bytes" lower
        else
            metric "$system" "$id" "$label" "disk writes per produced byte" "" "bytes" lower "/proc/PID/io not readable"
        fi
        metric "$system" "$id" "$label" "disk usage per produced byte" \
            "$(awk -v u="$used" -v p="$PRODUCED_BYTES" 'BEGIN { printf "%.2f", u / p }')" "bytes" lower
    fi
}

discard_data() {
    $KEEP_DATA || rm -rf "${BROKER_DATA_DIRS[@]}"
}

# --- Workloads 1-3 on one server ---------------------------------------------------------------------------------
run_single() {
    local system=$1 configs="-"
    SYSTEM_DIR="$RUN/$ROUND_DIR$system"
    mkdir -p "$SYSTEM_DIR"
    PRODUCED_BYTES=0
    [ "$system" != kafka-fsync ] || configs="flush.messages=1"
    log "=== $system: starting"
    local started=true
    case "$system" in
        chronik) start_chronik "$SYSTEM_DIR" || started=false ;;
        kafka | kafka-fsync) start_kafka "$SYSTEM_DIR" || started=false ;;
    esac
    if ! $started; then
        log "$system did not start: $BROKER_FAILURE"
        metric "$system" startup "start-up" "first produce after launch" "" ms lower "failed: ${BROKER_FAILURE//,/;}"
        stop_brokers
        return 0
    fi
    log "$system: first produce acknowledged ${BROKER_STARTUP_MS} ms after launch ($BROKER_BOOTSTRAP)"
    metric "$system" startup "start-up" "first produce after launch" "$BROKER_STARTUP_MS" ms lower
    create_topics 3 1 "$configs" bench-warmup bench-w1 bench-w2-1000 bench-w2-10000 bench-w3 || true

    MAX_RUN_SECONDS=$WARMUP_SECONDS produce "$system" warmup "warm-up" bench-warmup "$WARMUP_RECORDS" 1024 -1 all
    produce "$system" w1_produce "W1 produce (1 KiB; acks=all; 3 partitions; unthrottled)" \
        bench-w1 "$W1_RECORDS" 1024 -1 all record
    consume "$system" w1_consume "W1 consume (all W1 records)" bench-w1 "$PRODUCE_ACKED" 1024
    local rate
    for rate in 1000 10000; do
        produce "$system" "w2_$rate" "W2 latency at $rate records/s (1 KiB; acks=all)" \
            "bench-w2-$rate" $((rate * W2_SECONDS)) 1024 "$rate" all record
    done
    produce "$system" w3_produce "W3 produce (100 B; acks=1; 3 partitions; unthrottled)" \
        bench-w3 "$W3_RECORDS" 100 -1 1 record
    after_run "$system" after "after W1-W3"
    stop_brokers
    discard_data
}

# --- Workload 4 on 3-node clusters -------------------------------------------------------------------------------
run_cluster() {
    local system=$1 label="W4 cluster (3 nodes; RF 3; min ISR 2; 1 KiB; acks=all)"
    SYSTEM_DIR="$RUN/$ROUND_DIR$system-cluster"
    mkdir -p "$SYSTEM_DIR"
    PRODUCED_BYTES=0
    log "=== $system cluster: starting 3 nodes"
    local started=true
    case "$system" in
        chronik) start_chronik_cluster "$SYSTEM_DIR" || started=false ;;
        kafka) start_kafka_cluster "$SYSTEM_DIR" || started=false ;;
    esac
    if ! $started; then
        local reason="${BROKER_FAILURE//,/;}"
        log "SKIPPED: the $system cluster did not form: $BROKER_FAILURE"
        metric "$system" w4_startup "W4 cluster start-up" "first produce after launch" "" ms lower "skipped: cluster did not form: $reason"
        produce_metrics "$system" w4_produce "$label produce" "" "" "" "" "" "" "" "skipped: cluster did not form"
        stop_brokers
        return 0
    fi
    log "$system cluster: first produce acknowledged ${BROKER_STARTUP_MS} ms after launch ($BROKER_BOOTSTRAP)"
    metric "$system" w4_startup "W4 cluster start-up" "first produce after launch" "$BROKER_STARTUP_MS" ms lower
    create_topics 3 3 "min.insync.replicas=2" bench-w4-warmup bench-w4 || true
    MAX_RUN_SECONDS=$WARMUP_SECONDS produce "$system" w4_warmup "W4 warm-up" bench-w4-warmup "$WARMUP_RECORDS" 1024 -1 all
    produce "$system" w4_produce "$label produce" bench-w4 "$W4_RECORDS" 1024 -1 all record
    consume "$system" w4_consume "W4 consume (all W4 records)" bench-w4 "$PRODUCE_ACKED" 1024
    after_run "$system" w4_after "after W4 (sum of 3 nodes)"
    stop_brokers
    discard_data
}

ROUND_DIR=""
for ROUND in $(seq 1 "$ROUNDS"); do
    [ "$ROUNDS" = 1 ] || { ROUND_DIR="round-$ROUND/"; log "##### round $ROUND of $ROUNDS"; }
    for system in "${SYSTEM_LIST[@]}"; do
        run_single "$system"
    done
    if [ "$CLUSTER" = true ]; then
        run_cluster chronik
        run_cluster kafka
    fi
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN/env.txt"
echo "duration: $(( ($(now_ms) - BENCH_START) / 1000 )) s" >>"$RUN/env.txt"

# --- Report ------------------------------------------------------------------------------------------------------
awk -F, -v md="$RUN/summary.md" -v csv="$RUN/summary.csv" -v env="$RUN/env.txt" \
    -f "$ROOT/bin/bench/report.awk" "$RESULTS_CSV"
"$ROOT/bin/bench/chart.sh" "$RUN" || log "no chart drawn (see above)"
log "done in $(( ($(now_ms) - BENCH_START) / 1000 )) s; results in $RUN"
