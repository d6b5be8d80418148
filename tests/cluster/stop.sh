#!/usr/bin/env bash
# Stops exactly the processes tests/cluster/start.sh started (their pids are in tests/cluster/pids).
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$DIR/lib.sh"
if [ ! -s "$DIR/pids" ]; then
    echo "No test cluster pids recorded (tests/cluster/pids); nothing to stop."
    exit 0
fi
pids=$(cat "$DIR/pids")  # line N: node N (start-node.sh replaces its line)
for pid in $pids; do
    kill "$pid" 2>/dev/null || true
done
for pid in $pids; do
    await_exit "$pid"
done
rm -f "$DIR/pids"
echo "Test cluster stopped."
