# shellcheck shell=bash
# Process bookkeeping for bin/bench/run.sh: free ports on 127.0.0.1, background processes started by the harness
# (stopped by pid on exit, never by name), and the /proc readings the report uses.

BENCH_PIDS=()
BENCH_PORTS=()

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

die() { echo "error: $*" >&2; exit 1; }

now_ms() { date +%s%3N; }

# Prints a TCP port on 127.0.0.1 that nothing listens on and this run has not handed out yet. It is below the
# kernel's ephemeral range, so that no outgoing connection (a client, or another node of a starting cluster) can
# take it as its local port before the server binds it.
free_port() {
    local port ephemeral_low
    ephemeral_low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "$ephemeral_low" -gt 12000 ] || die "the ephemeral port range starts at $ephemeral_low; no room for servers"
    for _ in $(seq 1 200); do
        port=$((10000 + RANDOM % (ephemeral_low - 10000)))
        [[ " ${BENCH_PORTS[*]} " == *" $port "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            BENCH_PORTS+=("$port")
            echo "$port"
            return 0
        fi
    done
    die "no free port found on 127.0.0.1"
}

# start_background LOGFILE COMMAND...: starts COMMAND with stdout+stderr to LOGFILE; sets BG_PID.
start_background() {
    local logfile=$1
    shift
    "$@" >"$logfile" 2>&1 &
    BG_PID=$!
    BENCH_PIDS+=("$BG_PID")
}

is_running() { kill -0 "$1" 2>/dev/null; }

# stop_pid PID: SIGTERM, then SIGKILL after 20 s; waits for the process to exit.
stop_pid() {
    local pid=$1
    is_running "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do
        is_running "$pid" || break
        sleep 0.1
    done
    if is_running "$pid"; then
        log "pid $pid did not stop within 20 s; killing it"
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# Signals every given pid first, then waits for each (stop_pid), so processes that wait for each other stop together.
stop_pids_together() {
    local pid
    for pid in "$@"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "$@"; do
        stop_pid "$pid"
    done
}

stop_all_started() {
    stop_pids_together "${BENCH_PIDS[@]}"
    BENCH_PIDS=()
}

# rss_kib PID: resident set size in KiB (VmRSS), or nothing.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }

# write_bytes PID: bytes the process caused to be written to storage since it started (/proc/PID/io), or nothing.
write_bytes() { awk '/^write_bytes:/ {print $2}' "/proc/$1/io" 2>/dev/null || true; }

# disk_usage_bytes DIR: allocated size of DIR (sparse preallocated index files count only their used blocks).
disk_usage_bytes() { du -s -B1 "$1" 2>/dev/null | awk '{print $1}'; }
