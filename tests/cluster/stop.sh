#!/usr/bin/env bash
# Stops exactly the processes tests/cluster/start.sh started (their pids are in tests/cluster/pids).
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ ! -s "$DIR/pids" ]; then
    echo "No test cluster pids recorded (tests/cluster/pids); nothing to stop."
    exit 0
fi
pids=$(cat "$DIR/pids")  # line N: node N (start-node.sh replaces its line)
for pid in $pids; do
    kill "$pid" 2>/dev/null || true
done
for pid in $pids; do
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "pid $pid did not stop within 10 s; sending SIGKILL"
        kill -9 "$pid" 2>/dev/null || true
    fi
done
rm -f "$DIR/pids"
echo "Test cluster stopped."
