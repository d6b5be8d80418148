# shellcheck shell=bash
# Class data sharing (CDS) for faster start-up: `make build` records the classes a server start loads into
# target/chronik.jsa (bin/lib/cds-train.sh); the launchers pass it to the JVM while it matches the jar.
# Without it (or with a stale one) the JVM simply loads classes from the jars as usual; nothing else changes.
# Usage (after chronik_find_java): source bin/lib/cds.sh; "$JAVA" $(chronik_cds_opts "$ROOT") ...

# Prints the JVM options that use target/chronik.jsa, or nothing when there is no archive newer than the jars.
chronik_cds_opts() {
    local root=$1 archive="$1/target/chronik.jsa" jar
    [ -f "$archive" ] || return 0
    for jar in "$root/target/chronik.jar" "$root"/target/lib/*.jar; do
        [ "$archive" -nt "$jar" ] || return 0
    done
    # The JVM checks the archive against the class path itself; the -Xlog options keep a mismatch (say, a JDK
    # upgrade) from printing warnings into server logs: it then runs without the archive.
    echo "-XX:SharedArchiveFile=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
}
