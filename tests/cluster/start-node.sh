#!/usr/bin/env bash
# Starts (or restarts) one node N of the local 3-node test cluster, keeping its data: the node recovers its Raft
# metadata and partition logs, catches up from the leaders and rejoins the ISRs by itself. Its log is appended to
# tests/cluster/logs/node<N>.log; its pid replaces line N of tests/cluster/pids, so tests/cluster/stop.sh still
# stops exactly the three nodes. Usage: tests/cluster/start-node.sh 2    (after tests/cluster/stop-node.sh 2);
# tests/cluster/start-node.sh 1 2 3 restarts a stopped cluster with its data (start.sh always starts from scratch).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR="$ROOT/tests/cluster"
# shellcheck source=lib.sh
source "$DIR/lib.sh"
cd "$ROOT"
if [ $# -eq 0 ]; then
    echo "usage: tests/cluster/start-node.sh N [N ...]   (N = 1, 2 or 3)" >&2
    exit 2
fi
for n in "$@"; do
    if [[ ! "$n" =~ ^[1-3]$ ]]; then
        echo "usage: tests/cluster/start-node.sh N [N ...]   (N = 1, 2 or 3)" >&2
        exit 2
    fi
done
touch "$DIR/pids"
for n in "$@"; do
    old=$(sed -n "${n}p" "$DIR/pids")
    if [ -n "$old" ] && kill -0 "$old" 2>/dev/null; then
        echo "error: node $n is already running (pid $old); stop it with tests/cluster/stop-node.sh $n" >&2
        exit 1
    fi
done
prepare_launch
mkdir -p "$DIR/logs"
# Line N of the pids file is node N's pid (start.sh writes them in order).
while [ "$(wc -l < "$DIR/pids")" -lt 3 ]; do echo >> "$DIR/pids"; done
declare -A first_line pid_of
for n in "$@"; do
    log="$DIR/logs/node$n.log"
    first_line[$n]=$(($(wc -l < "$log" 2>/dev/null || echo 0) + 1))
    nohup bin/chronik-server start --config "$DIR/node$n.toml" >> "$log" 2>&1 &
    pid_of[$n]=$!
    sed -i "${n}s/.*/${pid_of[$n]}/" "$DIR/pids"
    echo "node $n: pid ${pid_of[$n]}, log tests/cluster/logs/node$n.log (appended)"
done
# A node serves Kafka only once a majority of the three is up (docs/cluster.md): restarting the whole cluster
# takes at least two nodes in one call, e.g. start-node.sh 1 2 3.
for n in "$@"; do
    log="$DIR/logs/node$n.log"
    for i in $(seq 1 1200); do
        if tail -n +"${first_line[$n]}" "$log" | grep -q "started: Kafka listening"; then
            echo "node $n is serving Kafka"
            continue 2
        fi
        if ! kill -0 "${pid_of[$n]}" 2>/dev/null; then
            echo "error: node $n exited; see tests/cluster/logs/node$n.log" >&2
            tail -n +"${first_line[$n]}" "$log" | tail -5 >&2
            exit 1
        fi
        if [ "$i" -eq 150 ] && tail -n +"${first_line[$n]}" "$log" | grep -q "waiting for quorum"; then
            echo "node $n is waiting for a Raft quorum: start another node too (it keeps waiting in the background)"
            exit 0
        fi
        sleep 0.1
    done
    echo "node $n has not started within 120 s; see tests/cluster/logs/node$n.log" >&2
    exit 1
done
