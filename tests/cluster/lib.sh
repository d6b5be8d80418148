# shellcheck shell=bash
# Shared by the local test cluster's scripts (start.sh, start-node.sh, stop.sh, stop-node.sh); sourced, not run.

# Builds target/chronik.jar if it is missing, selects a JDK >= 21 ($JAVA) and, where the JDK knows the flag, lets
# Ratis's shaded protobuf use sun.misc.Unsafe without a warning on stderr (JDK 23+). Run from the repository root.
prepare_launch() {
    if [ ! -f target/chronik.jar ]; then
        echo "Building target/chronik.jar ..."
        make build >/dev/null
    fi
    # shellcheck source=../../bin/lib/java.sh
    source "$ROOT/bin/lib/java.sh"
    chronik_find_java
    if "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
        export CHRONIK_JAVA_OPTS="${CHRONIK_JAVA_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    fi
}

# await_exit PID: waits up to 10 s for an already signalled process to exit, then sends SIGKILL.
await_exit() {
    local pid=$1
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "pid $pid did not stop within 10 s; sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
}
