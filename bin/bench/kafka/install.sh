#!/usr/bin/env bash
# Installs the Apache Kafka 4.4.0 broker for `make bench` from Maven Central into .bench-cache/kafka (git-ignored):
#   .bench-cache/kafka/lib/     org.apache.kafka:kafka_2.13:4.4.0, its runtime dependencies and a log4j2 binding
#   .bench-cache/kafka/config/  log4j2.properties
# Does nothing when the cache is complete; BENCH_KAFKA_REFRESH=1 forces a fresh copy.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck source=../../lib/java.sh
source "$ROOT/bin/lib/java.sh"
chronik_find_java || exit 1
DEST="$ROOT/.bench-cache/kafka"
if [ "${BENCH_KAFKA_REFRESH:-0}" != 1 ] && [ -f "$DEST/lib/kafka_2.13-4.4.0.jar" ] && [ -f "$DEST/.complete" ]; then
    exit 0
fi
rm -rf "$DEST"
mkdir -p "$DEST/lib" "$DEST/config"
${MVN:-mvn -B} -q -f "$ROOT/bin/bench/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$DEST/lib"
cp "$ROOT/bin/bench/kafka/log4j2.properties" "$DEST/config/"
touch "$DEST/.complete"
echo "Installed the Apache Kafka 4.4.0 broker in $DEST" >&2
