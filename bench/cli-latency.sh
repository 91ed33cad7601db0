#!/usr/bin/env bash
# How long the `sotto` commands people type take, whole process (JVM start, store unlock, login, work, exit), against
# a throwaway Prosody on loopback, side by side with a bare `java -version` and `./sotto --version` in the same run,
# each the median of RUNS (default 10) after one warm-up run. Prints the issue's goals with met or missed:
#   send to an existing session   <= 1.0 s (key-file store), <= 1.5 s (passphrase store)
#   send through a running listen <= 0.3 s
#   contacts                      <= 0.6 s
#   peak RSS of send              <= 150 MB
#
#   bench/cli-latency.sh            RUNS=10 (set RUNS=3 for a quick look)
# SOTTO="java -jar DIR/sotto-cli.jar" measures another build. Results go to bench/results/cli-latency-<date>.txt too. Builds the jar through ./sotto when needed. Only figures from
# one run compare: the machine is small and shared (say what else ran).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${RUNS:-10}
# SOTTO="java -jar /elsewhere/sotto-cli.jar" measures another build (the figures before a change, say).
read -r -a sotto <<< "${SOTTO:-./sotto}"

work=$(mktemp -d /tmp/sotto-cli-latency.XXXXXX)
listen_pid=""
cleanup() {
  [[ -n "$listen_pid" ]] && kill "$listen_pid" 2>/dev/null && wait "$listen_pid" 2>/dev/null || true
  bash scripts/xmpp-servers.sh stop "$work/servers" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"${sotto[@]}" --version >/dev/null   # builds the jar (and the class-data archive) first if needed
bash scripts/xmpp-servers.sh start "$work/servers" prosody >/dev/null
prop() { sed -n "s/^$1=//p" "$work/servers/servers.properties"; }
PROSODY_PORT=$(prop PROSODY_PORT) PROSODY_DOMAIN=$(prop PROSODY_DOMAIN)
PROSODY_PASSWORD_ALICE=$(prop PROSODY_PASSWORD_ALICE) PROSODY_PASSWORD_BOB=$(prop PROSODY_PASSWORD_BOB)
PROSODY_PASSWORD_CAROL=$(prop PROSODY_PASSWORD_CAROL)
server="127.0.0.1:$PROSODY_PORT"
alice="alice@$PROSODY_DOMAIN" bob="bob@$PROSODY_DOMAIN" carol="carol@$PROSODY_DOMAIN"
passphrase="correct horse battery staple 42"

# $work/run-USER runs sotto as that account (its home, password and passphrase in the environment), then exec's it,
# so that /usr/bin/time measures the JVM itself.
for user in alice bob carol; do
  password_var="PROSODY_PASSWORD_${user^^}"
  {
    echo '#!/usr/bin/env bash'
    printf 'export SOTTO_HOME=%q SOTTO_PASSWORD=%q SOTTO_PASSPHRASE=%q\n' "$work/$user" "${!password_var}" "$passphrase"
    printf 'cd %q && exec' "$ROOT"; printf ' %q' "${sotto[@]}"; echo ' "$@"'
  } > "$work/run-$user"
  chmod 700 "$work/run-$user"
done
as() { local user=$1; shift 2; "$work/run-$user" "$@"; }

as alice "$work/alice" account add "$alice" --no-passphrase --server "$server" --insecure-loopback >/dev/null 2>&1
as bob "$work/bob" account add "$bob" --no-passphrase --server "$server" --insecure-loopback >/dev/null 2>&1
as carol "$work/carol" account add "$carol" --server "$server" --insecure-loopback >/dev/null 2>&1
# Sessions with bob: the first message makes them (offline first message from the published bundle).
as alice "$work/alice" send "$bob" "first" >/dev/null 2>&1
as carol "$work/carol" send "$bob" "first" >/dev/null 2>&1

# median_of LABEL COMMAND...: RUNS timed runs after one warm-up; prints the median wall time (the goal), min and max,
# the median CPU time (user + system: steadier than wall time on a shared machine) and the largest peak RSS.
declare -A medians rss
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
median_of() {
  local label=$1; shift
  local walls=() cpus=() code=0 peak=0 start end times="$work/time.txt"
  "$@" >/dev/null 2>&1 || code=$?
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s%N)
    /usr/bin/time -o "$times" -f '%U %S %M' "$@" >/dev/null 2>&1 || code=$?
    end=$(date +%s%N)
    walls+=($(( (end - start) / 1000000 )))
    read -r user system kb < <(tail -n1 "$times")
    cpus+=("$(awk -v u="$user" -v s="$system" 'BEGIN {print int((u + s) * 1000)}')")
    (( kb > peak )) && peak=$kb
  done
  local wall cpu
  wall=$(printf '%s\n' "${walls[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  medians[$label]=$wall
  rss[$label]=$(( peak / 1024 ))
  printf '%-40s %6d ms  (min %d, max %d)  cpu %5d ms  peak RSS %4d MB  exit %d\n' "$label" "$wall" \
    "$(printf '%s\n' "${walls[@]}" | sort -n | head -n1)" "$(printf '%s\n' "${walls[@]}" | sort -n | tail -n1)" \
    "$cpu" "${rss[$label]}" "$code"
  [[ $code -eq 0 ]] || medians[$label]=-1
}

verdict() { # verdict LABEL GOAL_MS
  local got=${medians[$1]:--1}
  if (( got < 0 )); then echo "n/a (failed)"; elif (( got <= $2 )); then echo "met"; else echo "MISSED"; fi
}

report() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  cores: $(nproc)  load before: $(cut -d' ' -f1-3 /proc/loadavg)  runs: $RUNS"
  java -version 2>&1 | head -n1
  median_of "java -version" java -version
  median_of "sotto --version" "${sotto[@]}" --version
  median_of "sotto send --bad-option (usage error)" "${sotto[@]}" send --bad-option
  median_of "contacts (offline)" "$work/run-alice" contacts
  median_of "send, existing session, key file" "$work/run-alice" send "$bob" "benchmark message"
  median_of "send, existing session, passphrase" "$work/run-carol" send "$bob" "benchmark message"

  "$work/run-alice" listen >/dev/null 2>"$work/listen.err" &
  listen_pid=$!
  # Until the listen serves its socket (it says "Listening as" after that), at most 60 s: a fixed 6 s was too short
  # on a loaded machine, and the sends that came before it exited 5 (the store in use, no socket yet).
  for ((i = 0; i < 600; i++)); do
    grep -q '^Listening as' "$work/listen.err" 2>/dev/null && break
    sleep 0.1
  done
  median_of "send through a running listen" "$work/run-alice" send "$bob" "via listen"
  kill "$listen_pid" 2>/dev/null; wait "$listen_pid" 2>/dev/null || true
  listen_pid=""

  local send_rss=${rss[send, existing session, key file]}
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "goal                                   median     goal      verdict"
  printf '%-38s %6s ms  %6s ms  %s\n' "send, key file" "${medians[send, existing session, key file]}" 1000 \
    "$(verdict 'send, existing session, key file' 1000)"
  printf '%-38s %6s ms  %6s ms  %s\n' "send, passphrase" "${medians[send, existing session, passphrase]}" 1500 \
    "$(verdict 'send, existing session, passphrase' 1500)"
  printf '%-38s %6s ms  %6s ms  %s\n' "send through a running listen" "${medians[send through a running listen]}" 300 \
    "$(verdict 'send through a running listen' 300)"
  printf '%-38s %6s ms  %6s ms  %s\n' "contacts" "${medians[contacts (offline)]}" 600 \
    "$(verdict 'contacts (offline)' 600)"
  printf '%-38s %6s MB  %6s MB  %s\n' "peak RSS of send" "$send_rss" 150 \
    "$( (( send_rss <= 150 )) && echo met || echo MISSED)"
}

# timeline LABEL COMMAND...: one more run with class loading logged (uptime stamps), and when the first class of
# each phase loaded: a breakdown of one run, from the JVM's own clock (SOTTO_JAVA_OPTS for ./sotto, which turns
# JVM logging off and on again; JAVA_TOOL_OPTIONS for a plain java -jar). Without a class-data archive the verifier
# loads some classes early, so the marks are classes that are used, not merely referenced, at that point.
timeline() {
  local label=$1; shift
  local log="$work/classes.log"
  rm -f "$log" "$log.tool"
  local start end
  start=$(date +%s%N)
  SOTTO_JAVA_OPTS="-Xlog:class+load:file=$log:uptime" JAVA_TOOL_OPTIONS="-Xlog:class+load:file=$log.tool:uptime" \
    "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  [[ -s "$log" ]] || log="$log.tool"
  echo "timeline of one run, $label, $(( (end - start) / 1000000 )) ms in all, load $(cut -d' ' -f1 /proc/loadavg)"
  echo "(s since the JVM started, first class of each phase):"
  local mark
  while IFS='|' read -r mark pattern; do
    awk -v p="$pattern" -v m="$mark" '$2 ~ p {sub(/^\[/, "", $1); sub(/s\]$/, "", $1); printf "  %7.3f  %s\n", $1, m; exit}' \
      "$log"
  done <<'MARKS'
JVM up: java.lang.Object|^java\.lang\.Object$
Sotto's main class|^im\.sotto\.cli\.Main$
command line read, store opening (SQLite)|^org\.sqlite\.
store open (key unwrapped), Smack initialising|^org\.jivesoftware\.smack\.SmackConfiguration$
connection made, connecting|^org\.jivesoftware\.smack\.tcp\.XMPPTCPConnection\$PacketReader$
logged in, archive catch-up (MAM)|^org\.jivesoftware\.smackx\.mam\.MamManager$
MARKS
  awk 'END {sub(/^\[/, "", $1); sub(/s\]$/, "", $1); printf "  %7.3f  last class loaded (exit follows)\n", $1}' "$log"
}

mkdir -p bench/results
{ report; echo; timeline "send, key file" "$work/run-alice" send "$bob" "timeline"; } | tee "bench/results/cli-latency-$(date -u +%Y%m%dT%H%M%SZ).txt"
