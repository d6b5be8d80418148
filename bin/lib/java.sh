# shellcheck shell=bash
# Finds a JDK >= 21 and exports JAVA_HOME and JAVA. Sourced by bin/chronik-server, bin/chronik,
# the Kafka CLI wrappers, the Makefile and .ci/run.
#
# Order: $JAVA_HOME if its java is >= 21, else the newest /usr/lib/jvm/* whose bin/java is >= 21.
# Usage: source bin/lib/java.sh && chronik_find_java || exit 1
# With `bash bin/lib/java.sh` it prints the JAVA_HOME it found (used by the Makefile).

CHRONIK_MIN_JAVA=21

# Prints the feature version (e.g. 25, 17, 8) of the given java binary, or nothing.
chronik_java_major() {
    local line version
    line=$("$1" -version 2>&1 | grep -m1 -E 'version "') || return 1
    version=${line#*version \"}
    version=${version%%\"*}
    case "$version" in
        1.*) version=${version#1.}; echo "${version%%.*}" ;;
        *) version=${version%%[.+-]*}; echo "${version%%[!0-9]*}" ;;
    esac
}

# Prints the feature version of the JDK in directory $1: from its `release` file (instant), else by running java.
chronik_jdk_major() {
    local version
    if [ -f "$1/release" ] && version=$(grep -m1 '^JAVA_VERSION=' "$1/release"); then
        version=${version#JAVA_VERSION=\"}
        version=${version%%\"*}
        case "$version" in
            1.*) version=${version#1.}; echo "${version%%.*}"; return 0 ;;
            [0-9]*) version=${version%%[.+-]*}; echo "${version%%[!0-9]*}"; return 0 ;;
        esac
    fi
    chronik_java_major "$1/bin/java"
}

chronik_java_ok() {
    local major
    [ -x "$1/bin/java" ] || return 1
    major=$(chronik_jdk_major "$1") || return 1
    [ -n "$major" ] && [ "$major" -ge "$CHRONIK_MIN_JAVA" ]
}

chronik_find_java() {
    if [ -n "${JAVA_HOME:-}" ] && chronik_java_ok "$JAVA_HOME"; then
        export JAVA_HOME JAVA="$JAVA_HOME/bin/java"
        return 0
    fi
    local best="" best_major=0 dir major
    for dir in /usr/lib/jvm/*; do
        [ -d "$dir" ] && [ -x "$dir/bin/java" ] || continue
        major=$(chronik_jdk_major "$dir") || continue
        [ -n "$major" ] || continue
        if [ "$major" -ge "$CHRONIK_MIN_JAVA" ] && [ "$major" -gt "$best_major" ]; then
            best=$dir best_major=$major
        fi
    done
    if [ -n "$best" ]; then
        JAVA_HOME=$(cd "$best" && pwd -P)
        export JAVA_HOME JAVA="$JAVA_HOME/bin/java"
        return 0
    fi
    echo "No Java $CHRONIK_MIN_JAVA+ found. Install one (e.g. Temurin 21/25 under /usr/lib/jvm) or set JAVA_HOME." >&2
    return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    chronik_find_java && echo "$JAVA_HOME"
fi
