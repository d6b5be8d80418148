#!/usr/bin/env bash
# Draws RUN_DIR/chart.png from RUN_DIR/results.csv with gnuplot: throughput (MiB/s) of every produce and consume
# workload, and the latency percentiles of workloads 1 and 2, one bar per system.
#   bin/bench/chart.sh RUN_DIR
# Installs Debian's gnuplot-nox with apt-get when gnuplot is missing and we may (root, or sudo without a password),
# unless BENCH_NO_INSTALL=1. Exits 1 with a message, drawing nothing, when gnuplot is unavailable.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN=${1:?usage: bin/bench/chart.sh RUN_DIR}

if ! command -v gnuplot >/dev/null; then
    if [ "${BENCH_NO_INSTALL:-0}" = 1 ] || ! command -v apt-get >/dev/null; then
        echo "chart: gnuplot is not installed (apt-get install gnuplot-nox)" >&2
        exit 1
    fi
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
    echo "chart: installing gnuplot-nox with apt-get" >&2
    { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq gnuplot-nox; } >"$RUN/gnuplot-install.log" 2>&1 ||
        { echo "chart: could not install gnuplot-nox (see $RUN/gnuplot-install.log)" >&2; exit 1; }
fi

# series FILE ROW_LABEL WORKLOAD_ID METRIC UNIT: appends "label chronik kafka kafka-fsync" to FILE, each the median
# over the rounds ("?" = no value), when at least one system has a value.
series() {
    awk -F, -v label="$2" -v id="$3" -v metric="$4" -v unit="$5" '
        $2 == id && $4 == metric && $6 == unit && $5 != "" { c[$1]++; v[$1, c[$1]] = $5 + 0; any = 1 }
        function median(s,    n, i, j, x, a) {
            n = c[s]
            for (i = 1; i <= n; i++) a[i] = v[s, i]
            for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END {
            if (!any) exit
            printf "\"%s\"", label
            n = split("chronik kafka kafka-fsync", s, " ")
            for (i = 1; i <= n; i++) printf " %s", (c[s[i]] > 0 ? median(s[i]) : "?")
            printf "\n"
        }' "$RUN/results.csv" >>"$1"
}

: >"$RUN/chart-throughput.dat"
series "$RUN/chart-throughput.dat" "W1 produce" w1_produce throughput MiB/s
series "$RUN/chart-throughput.dat" "W1 consume" w1_consume throughput MiB/s
series "$RUN/chart-throughput.dat" "W3 produce 100 B acks=1" w3_produce throughput MiB/s
series "$RUN/chart-throughput.dat" "W4 cluster produce" w4_produce throughput MiB/s
series "$RUN/chart-throughput.dat" "W4 cluster consume" w4_consume throughput MiB/s
: >"$RUN/chart-latency.dat"
for spec in "W1 unthrottled:w1_produce" "W2 1,000/s:w2_1000" "W2 10,000/s:w2_10000"; do
    for p in p50 p99 p99.9; do
        series "$RUN/chart-latency.dat" "${spec%%:*} $p" "${spec#*:}" "latency $p" ms
    done
done
if [ ! -s "$RUN/chart-throughput.dat" ] && [ ! -s "$RUN/chart-latency.dat" ]; then
    echo "chart: no measurements to draw" >&2
    exit 1
fi
for f in chart-throughput.dat chart-latency.dat; do
    [ -s "$RUN/$f" ] || echo '"none" ? ? ?' >"$RUN/$f"
done

# The chart says when, how and under what load it was measured, so that a copy of it cannot pass for a full run on
# a quiet machine when it is not.
subtitle=$(awk -F': ' '/^date:/ {d = $2} /^mode:/ {m = $2} /^load average at start:/ {l = $2}
    END {printf "%s, %s mode, load average at start %s", d, m, l}' "$RUN/env.txt" 2>/dev/null | tr -d "'" || true)
gnuplot -e "run='$RUN'; subtitle='$subtitle'" "$ROOT/bin/bench/chart.gp" 2>"$RUN/gnuplot.log" ||
    { echo "chart: gnuplot failed (see $RUN/gnuplot.log)" >&2; exit 1; }
echo "chart: $RUN/chart.png" >&2

