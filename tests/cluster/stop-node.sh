#!/usr/bin/env bash
# Stops one node N of the local 3-node test cluster (SIGTERM, then SIGKILL after 10 s), keeping its data, e.g. to
# try the guide's fault-tolerance scenarios. Start it again with tests/cluster/start-node.sh N.
# With --kill it sends SIGKILL at once (a crash).
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$DIR/lib.sh"
signal=TERM
if [ "${1:-}" = "--kill" ]; then
    signal=KILL
    shift
fi
n=${1:-}
if [[ ! "$n" =~ ^[1-3]$ ]]; then
    echo "usage: tests/cluster/stop-node.sh [--kill] N   (N = 1, 2 or 3)" >&2
    exit 2
fi
pid=$(sed -n "${n}p" "$DIR/pids" 2>/dev/null || true)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "node $n is not running"
    exit 0
fi
kill -s "$signal" "$pid"
await_exit "$pid"
# Forget the pid (line N stays, empty), so that stop.sh never signals a process that later reuses it.
sed -i "${n}s/.*//" "$DIR/pids"
echo "node $n (pid $pid) stopped; its data is kept (tests/cluster/data/node$n)"
