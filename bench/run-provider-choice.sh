#!/usr/bin/env bash
# Builds the benchmarks jar and runs ProviderChoiceBenchmark; results go to bench/results/ (not committed).
# The settings are deliberately short (about three minutes on two cores): enough to rank two providers measured
# in the same run, not to publish absolute figures. Extra arguments go to JMH, e.g. -p size=256 or -prof gc.
# Environment: BENCH_PATTERN narrows the benchmarks (e.g. 'ProviderChoiceBenchmark.chachaPoly.*'); JMH_SETTINGS
# replaces the default run lengths (JMH refuses an option given twice, so they cannot be appended as arguments).
set -euo pipefail
cd "$(dirname "$0")/.."

java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -pl bench -am package -DskipTests

mkdir -p bench/results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
pattern="${BENCH_PATTERN:-ProviderChoiceBenchmark}"
read -r -a settings <<< "${JMH_SETTINGS:--f 1 -wi 2 -i 3 -w 1s -r 1s}"
base="bench/results/provider-choice-$stamp"

# The JSON holds the JVM version per benchmark but not the machine; record it beside the results.
{
  echo "date: $stamp"
  echo "cores: $(nproc)"
  echo "jmh: $pattern ${settings[*]} $*"
  grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  "$java_cmd" -version 2>&1
} > "$base-machine.txt"

"$java_cmd" -jar bench/target/benchmarks.jar "$pattern" \
  "${settings[@]}" -rf json -rff "$base.json" "$@" | tee "$base.txt"
echo "results: $base.json (machine: $base-machine.txt)"
