#!/usr/bin/env bash
# Fuzzes Sotto's parsers with Jazzer, one target at a time, each for a chosen time (docs/reliability.md, "Fuzzing").
#
#   scripts/fuzz.sh [DURATION] [FILTER]     e.g. scripts/fuzz.sh 60s      or   scripts/fuzz.sh 10m Handshake
#
# DURATION is Jazzer's (30s, 5m, 1h; default 60s); FILTER, an extended regular expression, keeps the targets whose
# "Class#method" it matches (e.g. 'Handshake|Ratchet').
# Prints one Markdown table row per target: target, executions, seconds, result. Logs go to target/fuzz-logs/.
# A crashing input is written by Jazzer into the target's inputs directory under src/test/resources (crash-*);
# rename it regression-<what>, fix the parser, and it becomes part of the regression corpus.
# MVN_FLAGS (e.g. -o) is passed to Maven. A single input running longer than FUZZ_INPUT_TIMEOUT seconds (10)
# is reported as a hang; FUZZ_HEAP (1g) caps the heap, so unbounded allocation is reported too; FUZZ_MAX_LEN
# (16384, the largest bundle) bounds the inputs libFuzzer makes.
set -u
cd "$(dirname "$0")/.."
DURATION="${1:-60s}"
FILTER="${2:-}"
LOGS=target/fuzz-logs
mkdir -p "$LOGS"
TARGETS=(
  protocol:HandshakeFuzzTest#responderFirstMessage
  protocol:HandshakeFuzzTest#responderFinish
  protocol:HandshakeFuzzTest#initiatorResponse
  protocol:HandshakeFuzzTest#retainedSecretsRecord
  protocol:HandshakeFuzzTest#attachedCertification
  protocol:DeviceCertificateFuzzTest#parse
  protocol:OfflineFuzzTest#bundle
  protocol:OfflineFuzzTest#firstMessage
  protocol:OfflineFuzzTest#firstReply
  protocol:OfflineFuzzTest#vaultRecord
  protocol:OfflineFuzzTest#pendingConfirmation
  protocol:RatchetFuzzTest#decrypt
  protocol:RatchetFuzzTest#sessionRecord
  protocol:CPaceFuzzTest#finish
  store:StoreRecordFuzzTest#encryptedValue
  store:StoreRecordFuzzTest#addressRow
  store:StoreRecordFuzzTest#queuedRow
  store:StoreRecordFuzzTest#logEntryRow
  store:StoreRecordFuzzTest#keyWrapRow
  store:StoreRecordFuzzTest#keyFile
  xmpp:ElementFuzzTest#encrypted
  xmpp:ElementFuzzTest#encryptedIq
  xmpp:PepElementFuzzTest#bundle
  xmpp:PepElementFuzzTest#deviceList
  xmpp:EnvelopeFuzzTest#open
)
echo "| Target | Executions | Seconds | Result |"
echo "| --- | ---: | ---: | --- |"
status=0
for entry in "${TARGETS[@]}"; do
  module="${entry%%:*}"
  test="${entry#*:}"
  [[ -n "$FILTER" && ! "$test" =~ $FILTER ]] && continue
  log="$LOGS/${test/\#/.}.log"
  JAZZER_FUZZ=1 mvn -B ${MVN_FLAGS:-} -pl "$module" -am test "-Dtest=$test" -Dsurefire.failIfNoSpecifiedTests=false \
    "-Djazzer.max_duration=$DURATION" -Dfuzz.hooks=true -Dfuzz.redirectOutput=false "-Dfuzz.heap=${FUZZ_HEAP:-1g}" \
    -Djazzer.internal.arg.0=fuzz "-Djazzer.internal.arg.1=-timeout=${FUZZ_INPUT_TIMEOUT:-10}" \
    "-Djazzer.internal.arg.2=-max_len=${FUZZ_MAX_LEN:-16384}" >"$log" 2>&1
  rc=$?
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)
  runs=$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/' <<<"$done_line")
  secs=$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/' <<<"$done_line")
  if [[ $rc -eq 0 && -n "$done_line" ]]; then
    result="no finding"
  else
    result="FINDING or error, see $log"
    status=1
  fi
  echo "| $module $test | ${runs:-?} | ${secs:-?} | $result |"
done
exit $status
