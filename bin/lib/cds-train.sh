#!/usr/bin/env bash
# Records the classes a Chronik server loads into target/chronik.aot (an AOT cache, JDK 25 and newer) or
# target/chronik.jsa (a dynamic CDS archive, older JDKs; see bin/lib/cds.sh), so later starts through
# bin/chronik-server skip most class loading, verification and linking (more than half the start-up time).
# Run by `make build`: starts a throw-away standalone server on 127.0.0.1 (free ports, temp data dir), waits until
# it serves, lets bin/lib/CdsTrainingClient.java create a topic, produce and fetch (so the request path's classes
# are recorded too), stops it with SIGTERM; the JVM writes the archive as it exits (for an AOT cache it runs a
# second JVM that assembles the cache from what the first one recorded). Failing to train is not an
# error: the launchers then start without an archive.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=java.sh
source "$ROOT/bin/lib/java.sh"
chronik_find_java || exit 0
# shellcheck source=cds.sh
source "$ROOT/bin/lib/cds.sh"
archive=$(chronik_cds_archive "$ROOT")
if [ "$(chronik_cds_kind)" = aot ]; then
    record=(-XX:AOTCacheOutput="$archive" -Xlog:aot=off -Xlog:cds=off)
else
    record=(-XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$ROOT/target/chronik.aot" "$ROOT/target/chronik.jsa"
CHRONIK_ADMIN_BIND=127.0.0.1:0 "$JAVA" "${record[@]}" \
    -cp "$ROOT/target/chronik.jar:$ROOT/target/lib/*" io.chronik.cli.ChronikServerCli start \
    --bind 127.0.0.1:0 --data-dir "$work/data" > "$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
    grep -q "started: Kafka listening" "$work/log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
port=$(sed -n 's/.*started: Kafka listening on [^ ]*:\([0-9]*\),.*/\1/p' "$work/log" | head -1)
if [ -n "$port" ]; then
    timeout 60 "$JAVA" -cp "$ROOT/target/lib/*" "$ROOT/bin/lib/CdsTrainingClient.java" "127.0.0.1:$port" \
        > "$work/client.log" 2>&1 || echo "note: the CDS training client failed; the archive covers start-up only" >&2
fi
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -f "$archive" ]; then
    echo "CDS archive: $archive"
else
    echo "note: no CDS archive was written (start-up stays correct, only slower); see the server log:" >&2
    tail -3 "$work/log" >&2
fi
exit 0
