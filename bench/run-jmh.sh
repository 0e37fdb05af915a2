#!/usr/bin/env bash
# Runs the JMH benchmarks and keeps the results with the machine, date and command.
#   bench/run-jmh.sh [JMH options...]     e.g. bench/run-jmh.sh -p shape=4096x32000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
out="bench/results/jmh-$stamp"
mkdir -p bench/results
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command: bench/run-jmh.sh $*"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores"
  echo "memory: $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -n 1)"
  echo "git: $(git describe --always --dirty 2>/dev/null || echo unknown)"
} > "$out.machine.txt"
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main \
  FusedLossBenchmark -rf json -rff "$out.json" "$@" | tee "$out.txt"
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.labo4j.bench.JmhTable "$out.json" \
  > "$out.md"
cat "$out.machine.txt" "$out.md"
