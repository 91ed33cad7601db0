#!/usr/bin/env bash
# Builds the benchmarks and runs Sotto side by side with libsignal-client and signal-protocol-java (and Sotto's
# primitive floor) in one JMH run, then the wire-size and memory-per-session figures, and prints one table: figure, Sotto, each anchor,
# ratio, goal, met or not. Results go to bench/results/ (not committed).
#
#   bench/run.sh           full run: 2 forks, 5 × 2 s warm-up, 4 × 2 s measured (about 20 minutes on 2 cores)
#   bench/run.sh --quick   1 fork, 3 × 1 s warm-up, 3 × 1 s measured, without the cost breakdown (under 5 min)
#
# Then chat throughput through a throwaway Prosody on loopback (scripts/xmpp-servers.sh, which installs Prosody and
# ejabberd from Debian when missing and so needs root the first time), plaintext against Sotto, same clients, with the
# pipe kept full (a sliding window of messages in flight, swept up to the whole round) and TCP_NODELAY on the clients
# and in Prosody (run without its message archive, see scripts/xmpp-servers.sh); it also records the CPU the client
# JVM, Prosody and the rest of the machine used (ProsodyThroughput); then the same through ejabberd (SKIP_EJABBERD=1
# leaves that out). SKIP_PROSODY=1 leaves Prosody out; SKIP_JMH=1 runs
# only the wire figures and Prosody; PROSODY_ARGS replaces its options. Extra arguments go to JMH. JMH_SETTINGS
# replaces the run lengths; BENCH_PATTERN the benchmark pattern. Last, bench/cli-latency.sh times the commands
# (SKIP_CLI=1 leaves it out; CLI_RUNS sets its runs, default 10). Set JAVA_HOME to try another JDK. Only ratios within
# one run mean anything: the machine is small and shared.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
if [[ "${1:-}" == "--quick" ]]; then
  quick=true
  shift
fi
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# -am builds the modules bench depends on; nothing else depends on bench, and it is never installed.
mvn -B -q -pl bench -am package -DskipTests
cp="bench/target/classes:$(cat bench/target/benchmark.classpath)"

if $quick; then
  default_settings="-f 1 -wi 3 -i 3 -w 1s -r 1s"
  default_pattern="sidebyside.SideBySideBenchmark"
  prosody_args="--messages 1000 --rounds 3 --warmup 3 --bodies 200 --windows 16,all"
else
  default_settings="-f 2 -wi 5 -i 4 -w 2s -r 2s"
  default_pattern="sidebyside.(SideBySideBenchmark|SottoCostBenchmark)"
  prosody_args="--messages 3000 --rounds 5 --warmup 3 --bodies 200,1000,3000 --windows 1,4,16,64,all"
fi
read -r -a prosody_options <<< "${PROSODY_ARGS:-$prosody_args}"
read -r -a settings <<< "${JMH_SETTINGS:-$default_settings}"
pattern="${BENCH_PATTERN:-$default_pattern}"

mkdir -p bench/results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
base="bench/results/side-by-side-$stamp"
{
  echo "date: $stamp"
  echo "mode: $($quick && echo quick || echo full)"
  echo "cores: $(nproc)"
  echo "jmh: $pattern ${settings[*]} -prof gc $*"
  grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  "$java_cmd" -version 2>&1
} > "$base-machine.txt"

if [[ -z "${SKIP_JMH:-}" ]]; then
  "$java_cmd" -cp "$cp" org.openjdk.jmh.Main "$pattern" "${settings[@]}" -prof gc \
    -rf json -rff "$base.json" "$@" > "$base.txt"
else
  echo "[]" > "$base.json"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)" >> "$base-machine.txt"
"$java_cmd" -cp "$cp" im.sotto.bench.sidebyside.WireFigures > "$base-wire.tsv"
# Memory per session (record bytes, heap of 10,000 sessions) in a JVM of its own, so JMH's heap does not blur it.
"$java_cmd" -Xmx1g -cp "$cp" im.sotto.bench.sidebyside.SessionMemoryFigures >> "$base-wire.tsv"

if [[ -z "${SKIP_PROSODY:-}" ]]; then
  servers_dir="$(mktemp -d)"
  trap 'bash scripts/xmpp-servers.sh stop "$servers_dir" >/dev/null 2>&1 || true' EXIT
  if SOTTO_PROSODY_NODELAY=1 SOTTO_PROSODY_NO_MAM=1 bash scripts/xmpp-servers.sh start "$servers_dir" prosody \
    > "$base-servers.log" 2>&1; then
    echo "load average before Prosody: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)" \
      >> "$base-machine.txt"
    "$java_cmd" -cp "$cp" im.sotto.bench.prosody.ProsodyThroughput "$servers_dir/servers.properties" \
      "${prosody_options[@]}" >> "$base-wire.tsv" 2>> "$base-servers.log" \
      || echo "Prosody throughput failed; see $base-servers.log" >&2
  else
    echo "Prosody not measured: the servers did not start; see $base-servers.log" >&2
  fi
fi
# The same pairs through ejabberd, without its archive as Prosody above (ejabberd's Mnesia archive falls behind a
# stream of thousands and a round does not finish; scripts/xmpp-servers.sh), TCP_NODELAY through the VM's options.
if [[ -z "${SKIP_EJABBERD:-}" ]]; then
  ejabberd_dir="$(mktemp -d)"
  trap 'bash scripts/xmpp-servers.sh stop "${servers_dir:-}" >/dev/null 2>&1 || true
        bash scripts/xmpp-servers.sh stop "$ejabberd_dir" >/dev/null 2>&1 || true' EXIT
  if SOTTO_EJABBERD_NODELAY=1 SOTTO_EJABBERD_NO_MAM=1 bash scripts/xmpp-servers.sh start "$ejabberd_dir" ejabberd \
    >> "$base-servers.log" 2>&1; then
    echo "load average before ejabberd: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)" \
      >> "$base-machine.txt"
    "$java_cmd" -cp "$cp" im.sotto.bench.prosody.ProsodyThroughput "$ejabberd_dir/servers.properties" \
      "${prosody_options[@]}" --server ejabberd >> "$base-wire.tsv" 2>> "$base-servers.log" \
      || echo "ejabberd throughput failed; see $base-servers.log" >&2
  else
    echo "ejabberd not measured: the server did not start; see $base-servers.log" >&2
  fi
fi
if $quick; then
  echo "Quick run: 1 fork of 3 one-second iterations on a shared machine; errors are wide and a verdict near its goal"
  echo "can flip. docs/performance.md holds a full run."
  echo
fi
"$java_cmd" -cp "$cp" im.sotto.bench.sidebyside.RatioTable "$base.json" "$base-wire.tsv" | tee "$base-table.md"
echo
echo "results: $base.json, $base.txt (JMH log), $base-wire.tsv, $base-table.md; machine: $base-machine.txt"

# The command line as people use it: whole-process latency of send, contacts and the rest against a throwaway
# Prosody, next to java -version and sotto --version, with the goals (bench/cli-latency.sh). SKIP_CLI=1 leaves it out.
if [[ -z "${SKIP_CLI:-}" ]]; then
  echo
  RUNS="${CLI_RUNS:-10}" bench/cli-latency.sh || echo "the command-line latency run failed" >&2
fi
