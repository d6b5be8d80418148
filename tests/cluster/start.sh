#!/usr/bin/env bash
# Starts the local 3-node test cluster (node1.toml .. node3.toml) in the background from a clean data dir.
# Builds target/chronik.jar first if it is missing. Logs: tests/cluster/logs/node<N>.log; pids: tests/cluster/pids.
# Stop with tests/cluster/stop.sh. Run from anywhere; paths are relative to the repository root.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR="$ROOT/tests/cluster"
# shellcheck source=lib.sh
source "$DIR/lib.sh"
cd "$ROOT"
if [ -s "$DIR/pids" ]; then
    while read -r pid; do
        if kill -0 "$pid" 2>/dev/null; then
            echo "error: the test cluster is already running (pid $pid); run tests/cluster/stop.sh first" >&2
            exit 1
        fi
    done < "$DIR/pids"
fi
prepare_launch
rm -rf "$DIR/data" "$DIR/logs" "$DIR/pids"
mkdir -p "$DIR/logs"
for n in 1 2 3; do
    nohup bin/chronik-server start --config "$DIR/node$n.toml" > "$DIR/logs/node$n.log" 2>&1 &
    echo $! >> "$DIR/pids"
    echo "node $n: pid $!, log tests/cluster/logs/node$n.log"
done
echo "Waiting for a Raft leader and for every node to serve Kafka (9092-9094) ..."
for n in 1 2 3; do
    for _ in $(seq 1 1200); do
        if grep -q "started: Kafka listening" "$DIR/logs/node$n.log" 2>/dev/null; then
            break
        fi
        if ! kill -0 "$(sed -n "${n}p" "$DIR/pids")" 2>/dev/null; then
            echo "error: node $n exited; see tests/cluster/logs/node$n.log" >&2
            tail -5 "$DIR/logs/node$n.log" >&2
            exit 1
        fi
        sleep 0.1
    done
done
grep -h "Raft leader is node" "$DIR"/logs/node*.log | tail -1 | sed 's/.* - //' || true
echo "Cluster up. Admin API key (node 1): $(grep -h "Admin API key" "$DIR/logs/node1.log" | tail -1 | awk '{print $NF}')"
