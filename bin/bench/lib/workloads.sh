# shellcheck shell=bash
# Running the official Kafka perf tools from .kafka-cli/bin against the system under test and recording what they
# print as rows of results.csv:
#   system,workload_id,workload,metric,value,unit,better,note,round
# value is empty when a run failed; note then says why. better is "higher", "lower" or "-" (informational); round
# counts from 1 (--rounds).
# Every run's full output is kept in <run dir>/<system>/<workload_id>.log.

PERF_PRODUCER="$ROOT/.kafka-cli/bin/kafka-producer-perf-test"
PERF_CONSUMER="$ROOT/.kafka-cli/bin/kafka-consumer-perf-test"
PRODUCED_BYTES=0

# metric SYSTEM WORKLOAD_ID WORKLOAD METRIC VALUE UNIT BETTER [NOTE]
metric() {
    local note=${8:-}
    printf '%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${note//,/;}" "${ROUND:-1}" \
        >>"$RESULTS_CSV"
}

# create_topics PARTITIONS RF CONFIGS TOPIC...: on BROKER_BOOTSTRAP, via BenchClient (one request for all topics).
create_topics() {
    local out
    if ! out=$(bench_client create-topics "$BROKER_BOOTSTRAP" "$@" 2>>"$SYSTEM_DIR/create-topics.log"); then
        echo "$out" >>"$SYSTEM_DIR/create-topics.log"
        log "creating topics ${*:4} failed: $(echo "$out" | tail -n 1)"
        return 1
    fi
}

# produce SYSTEM WORKLOAD_ID WORKLOAD TOPIC RECORDS RECORD_SIZE THROUGHPUT ACKS [record]
# Runs kafka-producer-perf-test, capped at MAX_RUN_SECONDS. With "record" its results become rows of results.csv.
# Sets PRODUCE_ACKED (records acknowledged) and adds their payload bytes to PRODUCED_BYTES.
produce() {
    local system=$1 id=$2 label=$3 topic=$4 records=$5 size=$6 throughput=$7 acks=$8 record=${9:-}
    local logfile="$SYSTEM_DIR/$id.log" status=0 summary
    # shellcheck disable=SC2086 # BENCH_PRODUCER_PROPS is a list of key=value pairs
    timeout "$MAX_RUN_SECONDS" "$PERF_PRODUCER" --bootstrap-server "$BROKER_BOOTSTRAP" --topic "$topic" \
        --num-records "$records" --record-size "$size" --throughput "$throughput" \
        --command-property acks="$acks" ${BENCH_PRODUCER_PROPS:-} >"$logfile" 2>&1 || status=$?
    # Final line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P ms 50th,
    # P ms 95th, P ms 99th, P ms 99.9th."  Progress lines (every 5 s) lack the percentiles.
    summary=$(grep -E 'records sent, .* 99\.9th' "$logfile" | tail -n 1 || true)
    local sent rate avg max p50 p99 p999 note=""
    if [ -n "$summary" ]; then
        read -r sent rate avg max p50 p99 p999 < <(echo "$summary" | awk -F', ' '{
            split($1, a, " "); split($2, b, " "); split($3, c, " "); split($4, d, " ");
            split($5, e, " "); split($7, f, " "); split($8, g, " ");
            printf "%d %.1f %s %s %s %s %s\n", a[1], b[1], c[1], d[1], e[1], f[1], g[1] }')
    elif [ "$status" = 124 ] && grep -qE 'records sent, ' "$logfile"; then
        # Capped: throughput and average latency from the progress lines; no percentiles.
        read -r sent rate avg max < <(grep -E 'records sent, ' "$logfile" | awk -F', ' '{
            split($1, a, " "); split($2, b, " "); split($3, c, " "); split($4, d, " ");
            n += a[1]; t += a[1] / b[1]; lat += a[1] * c[1]; if (d[1] > mx) mx = d[1] }
            END { printf "%d %.1f %.2f %.1f\n", n, (t > 0 ? n / t : 0), (n > 0 ? lat / n : 0), mx }')
        p50="" p99="" p999=""
        note="capped at ${MAX_RUN_SECONDS} s: $sent of $records records; no percentiles"
    else
        sent=0
        note="failed (exit $status): $(grep -m1 -iE 'error|exception' "$logfile" | cut -c1-160 || true)"
        [ "$note" != "failed (exit $status): " ] || note="failed (exit $status): $(tail -n 1 "$logfile" | cut -c1-160)"
    fi
    PRODUCE_ACKED=${sent:-0}
    PRODUCED_BYTES=$((PRODUCED_BYTES + PRODUCE_ACKED * size))
    log "$system $id: ${summary:-$note}"
    [ "$record" = record ] || return 0
    local mib=""
    [ -z "${rate:-}" ] || mib=$(awk -v r="$rate" -v s="$size" 'BEGIN { printf "%.2f", r * s / 1048576 }')
    if [ -z "${rate:-}" ] || [ "$sent" -le 0 ]; then
        rate="" mib="" avg="" max=""
    fi
    produce_metrics "$system" "$id" "$label" "$rate" "$mib" "$avg" "$p50" "$p99" "$p999" "$max" "$note"
}

# produce_metrics SYSTEM WORKLOAD_ID WORKLOAD RATE MIB AVG P50 P99 P999 MAX NOTE: the rows of one produce run (empty
# values with a NOTE for a run that failed or was skipped).
produce_metrics() {
    metric "$1" "$2" "$3" "throughput" "$4" "records/s" higher "${11}"
    metric "$1" "$2" "$3" "throughput" "$5" "MiB/s" higher "${11}"
    metric "$1" "$2" "$3" "latency avg" "$6" "ms" lower "${11}"
    metric "$1" "$2" "$3" "latency p50" "$7" "ms" lower "${11}"
    metric "$1" "$2" "$3" "latency p99" "$8" "ms" lower "${11}"
    metric "$1" "$2" "$3" "latency p99.9" "$9" "ms" lower "${11}"
    metric "$1" "$2" "$3" "latency max" "${10}" "ms" lower "${11}"
}

# consume SYSTEM WORKLOAD_ID WORKLOAD TOPIC RECORDS RECORD_SIZE
# Runs kafka-consumer-perf-test (a consumer group, from the earliest offset) until RECORDS are read, capped at
# MAX_RUN_SECONDS. Records fetch throughput, which excludes the group join.
consume() {
    local system=$1 id=$2 label=$3 topic=$4 records=$5 size=$6
    local logfile="$SYSTEM_DIR/$id.log" status=0 line note="" rate="" mib=""
    if [ "$records" -le 0 ]; then
        note="skipped: nothing was produced"
    else
        timeout "$MAX_RUN_SECONDS" "$PERF_CONSUMER" --bootstrap-server "$BROKER_BOOTSTRAP" --topic "$topic" \
            --num-records "$records" --timeout "${CONSUME_IDLE_TIMEOUT_MS:-10000}" >"$logfile" 2>&1 || status=$?
        # Header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
        #         rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
        line=$(grep -A1 '^start.time' "$logfile" | tail -n 1 || true)
        local consumed
        consumed=$(echo "$line" | awk -F', ' 'NF >= 10 { print $5 }')
        if [ -n "$consumed" ] && [ "$consumed" -ge "$records" ]; then
            rate=$(echo "$line" | awk -F', ' '{ printf "%.1f", $10 }')
            mib=$(awk -v r="$rate" -v s="$size" 'BEGIN { printf "%.2f", r * s / 1048576 }')
        elif [ -n "$consumed" ]; then
            note="failed: consumed ${consumed} of $records records ($(grep -m1 -iE 'warn|error' "$logfile" | cut -c1-120))"
        else
            note="failed (exit $status): $(grep -m1 -iE 'error|exception' "$logfile" | cut -c1-160 || true)"
        fi
    fi
    log "$system $id: ${line:-$note}${note:+ ($note)}"
    metric "$system" "$id" "$label" "throughput" "$rate" "records/s" higher "$note"
    metric "$system" "$id" "$label" "throughput" "$mib" "MiB/s" higher "$note"
}
