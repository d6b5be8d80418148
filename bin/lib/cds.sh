# shellcheck shell=bash
# Class data sharing for faster start-up: `make build` records the classes a server start loads
# (bin/lib/cds-train.sh): on JDK 25 and newer into an AOT cache, target/chronik.aot (JEP 483/514/515: classes loaded
# and linked, lambdas, method profiles), on older JDKs into a dynamic CDS archive, target/chronik.jsa (classes only).
# The launchers pass it to the JVM while it matches the jars. Without it (or with a stale one) the JVM simply loads
# classes from the jars as usual; nothing else changes.
# Usage (after chronik_find_java): source bin/lib/cds.sh; "$JAVA" $(chronik_cds_opts "$ROOT") ...

# The first JDK feature version whose java can write an AOT cache in one training run (-XX:AOTCacheOutput).
CHRONIK_AOT_MIN_JAVA=25

# Prints "aot" when $JAVA_HOME can write and use an AOT cache, else "cds".
chronik_cds_kind() {
    local major
    major=$(chronik_jdk_major "$JAVA_HOME" 2>/dev/null) || major=0
    if [ "${major:-0}" -ge "$CHRONIK_AOT_MIN_JAVA" ]; then echo aot; else echo cds; fi
}

# Prints the archive file for this JDK: target/chronik.aot or target/chronik.jsa.
chronik_cds_archive() {
    if [ "$(chronik_cds_kind)" = aot ]; then echo "$1/target/chronik.aot"; else echo "$1/target/chronik.jsa"; fi
}

# Prints the JVM options that use this JDK's archive, or nothing when there is none newer than the jars.
chronik_cds_opts() {
    local root=$1 archive jar
    archive=$(chronik_cds_archive "$root")
    [ -f "$archive" ] || return 0
    for jar in "$root/target/chronik.jar" "$root"/target/lib/*.jar; do
        [ "$archive" -nt "$jar" ] || return 0
    done
    # The JVM checks the archive against the class path and its own options itself; the -Xlog options keep a
    # mismatch (say, a JDK upgrade, or another GC in CHRONIK_JAVA_OPTS) from printing warnings into server logs: it
    # then runs without the archive.
    if [[ $archive == *.aot ]]; then
        echo "-XX:AOTCache=$archive -Xlog:aot=off -Xlog:cds=off"
    else
        echo "-XX:SharedArchiveFile=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
    fi
}
