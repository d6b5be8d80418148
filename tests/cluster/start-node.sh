#!/usr/bin/env bash
# Starts (or restarts) one node N of the local 3-node test cluster, keeping its data: the node recovers its Raft
# metadata and partition logs, catches up from the leaders and rejoins the ISRs by itself. Its log is appended to
# tests/cluster/logs/node<N>.log; its pid replaces line N of tests/cluster/pids, so tests/cluster/stop.sh still
# stops exactly the three nodes. Usage: tests/cluster/start-node.sh 2    (after tests/cluster/stop-node.sh 2)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR="$ROOT/tests/cluster"
cd "$ROOT"
n=${1:-}
if [[ ! "$n" =~ ^[1-3]$ ]]; then
    echo "usage: tests/cluster/start-node.sh N   (N = 1, 2 or 3)" >&2
    exit 2
fi
touch "$DIR/pids"
old=$(sed -n "${n}p" "$DIR/pids")
if [ -n "$old" ] && kill -0 "$old" 2>/dev/null; then
    echo "error: node $n is already running (pid $old); stop it with tests/cluster/stop-node.sh $n" >&2
    exit 1
fi
if [ ! -f target/chronik.jar ]; then
    echo "Building target/chronik.jar ..."
    make build >/dev/null
fi
# shellcheck source=../../bin/lib/java.sh
source "$ROOT/bin/lib/java.sh"
chronik_find_java
if "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
    export CHRONIK_JAVA_OPTS="${CHRONIK_JAVA_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
mkdir -p "$DIR/logs"
log="$DIR/logs/node$n.log"
start_line=$(($(wc -l < "$log" 2>/dev/null || echo 0) + 1))
nohup bin/chronik-server start --config "$DIR/node$n.toml" >> "$log" 2>&1 &
pid=$!
# Line N of the pids file is node N's pid (start.sh writes them in order).
while [ "$(wc -l < "$DIR/pids")" -lt 3 ]; do echo >> "$DIR/pids"; done
sed -i "${n}s/.*/$pid/" "$DIR/pids"
echo "node $n: pid $pid, log tests/cluster/logs/node$n.log (appended)"
for _ in $(seq 1 1200); do
    if tail -n +"$start_line" "$log" | grep -q "started: Kafka listening"; then
        echo "node $n is serving Kafka again"
        exit 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "error: node $n exited; see tests/cluster/logs/node$n.log" >&2
        tail -n +"$start_line" "$log" | tail -5 >&2
        exit 1
    fi
    sleep 0.1
done
echo "node $n has not started within 120 s (it waits for a Raft quorum); see tests/cluster/logs/node$n.log" >&2
exit 1
