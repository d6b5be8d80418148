# Chronik build entry points. Every target runs Maven and Java on a JDK >= 21 found by bin/lib/java.sh
# ($JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm).
#   make build      compile and package target/chronik.jar (+ target/lib), tests skipped
#   make run        build, then start a standalone server (bin/chronik-server start)
#   make test       the whole test suite (mvn -B verify)
#   make kafka-cli  install the Apache Kafka 4.4.0 command-line tools into .kafka-cli/
#   make raft-conformance  only Ratis's own test suites against Chronik's Raft transport (~3 min; part of `make test`)
#   make cluster-start / cluster-stop  the local 3-node cluster of tests/cluster (docs/cluster.md)
#   make clean      remove build output
# MVN can be overridden, e.g. `make test MVN="mvn -B -o"` to stay offline.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
MVN ?= mvn -B
export MVN
JAVA_ENV := source bin/lib/java.sh && chronik_find_java

.PHONY: build run test kafka-cli clean raft-conformance cluster-start cluster-stop

build:
	$(JAVA_ENV) && $(MVN) package -DskipTests
	bin/lib/cds-train.sh

run: build
	bin/chronik-server start $(ARGS)

test:
	$(JAVA_ENV) && $(MVN) verify

raft-conformance:
	$(JAVA_ENV) && $(MVN) test -Dgroups=ratis-conformance -Dchronik.excludedGroups=flaky

cluster-start: build
	tests/cluster/start.sh

cluster-stop:
	tests/cluster/stop.sh

kafka-cli:
	bin/kafka-cli/install.sh

clean:
	$(JAVA_ENV) && $(MVN) -q clean
	rm -rf .kafka-cli

# Benchmark: Chronik against Apache Kafka 4.4.0 (bin/bench/run.sh, docs/performance.md). Results go to
# bench-results/<timestamp>/; the Kafka broker is cached in .bench-cache/. BENCH_ARGS passes options, e.g.
# `make bench BENCH_ARGS="--systems chronik,kafka --no-cluster"`.
#   make bench        full run, all workloads and both systems (about 15 minutes)
#   make bench-smoke  tiny counts, seconds: Chronik, plus Kafka if its broker is already cached
.PHONY: bench bench-smoke

bench: build
	bin/bench/run.sh $(BENCH_ARGS)

bench-smoke: build
	bin/bench/run.sh --smoke $(BENCH_ARGS)
