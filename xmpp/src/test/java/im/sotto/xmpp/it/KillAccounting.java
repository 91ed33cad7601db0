package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.xmpp.SealedMessage;
import im.sotto.xmpp.SecurityEvent;

/**
 * The books of one direction of a conversation under faults: what was sent, what the receiver's store logged as
 * delivered, and what the receiver was told is missing (its security events, as text lines).
 */
final class KillAccounting {
    private static final Pattern REASON = Pattern.compile("reason=(\\w+), detail=([^;\\]:]{0,60})");
    private static final Pattern SEQUENCE = Pattern.compile("sequence=(\\d+)");
    private static final Pattern RANGE = Pattern.compile("(\\d+)\\.\\.(\\d+)");

    private KillAccounting() {
    }

    /**
     * One direction's totals. {@code reportedMissing} counts the sequence numbers (per session) the receiver's
     * ratchet reported missing and that never arrived late, plus stanzas it reported undecryptable (other than
     * duplicates) and messages the sender's user was told about and that were not delivered ({@code toldSender}:
     * failed at the sender, or named in a {@code NotAcknowledged} report);
     * {@code lostSilently} is what was neither delivered nor covered by such a report.
     */
    record Direction(int sent, int delivered, int duplicates, long reportedMissing, int late, int undecryptable,
            long toldSender, long lostSilently, java.util.Map<String, Integer> reasons) {
        void assertNoDuplicates(String what) {
            assertEquals(0, duplicates, what + ": delivered twice");
        }

        void assertSound(String what) {
            assertEquals(0, duplicates, what + ": delivered twice");
            assertEquals(0, lostSilently, what + ": lost without a report; undecryptable by reason " + reasons);
        }

        @Override
        public String toString() {
            return "sent " + sent + ", delivered " + delivered + ", duplicates " + duplicates + ", reported missing "
                    + reportedMissing + " (arrived late " + late + ", undecryptable " + undecryptable
                    + ", told to the sender and not delivered " + toldSender + "), lost silently " + lostSilently
                    + ", undecryptable by reason " + reasons;
        }
    }

    /**
     * Sessions replaced by a new one, from the events of the side that is never killed: every session it reports
     * (established or healed) after the first replaced the one before. The killed side's events cannot be used: a
     * process killed between storing a session and reporting it leaves no event, so its count ran one short and
     * printed -1 when the only session was made by a process that died before reporting it.
     */
    static long sessionsReplaced(List<String> survivorEvents) {
        long sessions = survivorEvents.stream()
                .filter(l -> l.startsWith("SessionEstablished[") || l.startsWith("SessionHealed[")).count();
        return Math.max(0, sessions - 1);
    }

    /**
     * The receiver's deliveries, fit for the books only once the sender's end marker (its last message, after all the
     * others on its stream) is among them; then returned unchanged. Read before, a message the receiver had not
     * processed yet counted as lost silently: the kill test read alice's 1.5 s after bob's last run ended, while her
     * worker could still be busy for tens of seconds with an archive pass (up to three 10 s timeouts and a 5,000-result
     * pass under load), with bob's last messages queued behind it.
     *
     * @throws IllegalStateException if the end marker was not delivered: the books cannot be read yet
     */
    static List<String> afterEndMarker(List<String> deliveredWithRepeats, String endMarker) {
        if (!deliveredWithRepeats.contains(endMarker)) {
            throw new IllegalStateException("the sender's end marker " + endMarker + " was not delivered: what is still"
                    + " on its way would be counted lost silently");
        }
        return deliveredWithRepeats;
    }

    /** A message as the receiver's log holds it: its body, and whether it was a copy sent again (protocol.md 7.3). */
    record Logged(String body, boolean resentCopy) {
    }

    /**
     * What the receiver's user was shown, from its log: the log also keeps what {@code DeliveredOnce} withheld (a copy
     * sent again under a new session whose original was shown, or an original arriving after its copy was), since
     * the binding logs a message before deciding whether to show it. So an original and one copy of the same message
     * count once; a second original, or a second copy, counts again (a duplicate the user saw).
     */
    static List<String> shownFromLog(List<Logged> logged) {
        Set<String> originals = new HashSet<>();
        Set<String> copies = new HashSet<>();
        List<String> shown = new java.util.ArrayList<>();
        for (Logged entry : logged) {
            boolean first = !originals.contains(entry.body()) && !copies.contains(entry.body());
            boolean again = entry.resentCopy() ? !copies.add(entry.body()) : !originals.add(entry.body());
            if (first || again) {
                shown.add(entry.body());
            }
        }
        return shown;
    }

    static Direction direction(List<String> sent, List<String> deliveredWithRepeats, List<String> events) {
        return direction(sent, List.of(), deliveredWithRepeats, events);
    }

    /**
     * As above, where {@code failedAtSender} were given to Sotto but failed there, reported to the sender's user
     * (they may still go out later from the store's queue, and then count as delivered).
     */
    static Direction direction(List<String> sent, List<String> failedAtSender, List<String> deliveredWithRepeats,
            List<String> events) {
        return direction(sent, failedAtSender, Set.of(), deliveredWithRepeats, events);
    }

    /**
     * As above, where {@code notAcknowledgedAtSender} were sent and then named in a {@code NotAcknowledged} report to
     * the sender's user ({@link SenderLedger#notAcknowledged}): reported, like a failure, unless delivered after all.
     */
    static Direction direction(List<String> sent, List<String> failedAtSender, Set<String> notAcknowledgedAtSender,
            List<String> deliveredWithRepeats, List<String> events) {
        Set<String> sentSet = new HashSet<>(sent);
        sentSet.addAll(failedAtSender);
        Set<String> delivered = new HashSet<>();
        int duplicates = 0;
        for (String body : deliveredWithRepeats) {
            if (!delivered.add(body)) {
                duplicates++;
            }
        }
        delivered.retainAll(sentSet);
        java.util.Map<String, Integer> reasons = new java.util.TreeMap<>();
        // Sequence numbers count per session; a new session (established or healed) starts them again. A gap may
        // be reported more than once (again at the next start, see StillMissing), so they are kept as sets.
        Set<String> missingSet = new HashSet<>();
        Set<String> lateSet = new HashSet<>();
        int session = 0;
        int undecryptable = 0;
        for (String line : events) {
            if (line.startsWith("SessionEstablished[") || line.startsWith("SessionHealed[")) {
                session++;
            } else if (line.startsWith("MessagesMissing[")) {
                Matcher m = RANGE.matcher(line.substring(line.indexOf("ranges=")));
                while (m.find()) {
                    for (long q = Long.parseLong(m.group(1)); q <= Long.parseLong(m.group(2)); q++) {
                        missingSet.add(session + ":" + q);
                    }
                }
            } else if (line.startsWith("ArrivedLate[")) {
                Matcher m = SEQUENCE.matcher(line);
                lateSet.add(session + ":" + (m.find() ? m.group(1) : line));
            } else if (line.startsWith("UndecryptableStanza[") && !line.contains("reason=DUPLICATE")) {
                undecryptable++;
                Matcher reason = REASON.matcher(line);
                reasons.merge(reason.find() ? reason.group(1) + " (" + reason.group(2) + ")" : line, 1, Integer::sum);
            }
        }
        int late = lateSet.size();
        missingSet.removeAll(lateSet);
        long missing = missingSet.size();
        Set<String> toldSender = new HashSet<>(failedAtSender);
        toldSender.addAll(notAcknowledgedAtSender);
        toldSender.retainAll(sentSet);
        long toldNotDelivered = toldSender.stream().filter(b -> !delivered.contains(b)).count();
        long reported = missing + undecryptable + toldNotDelivered;
        long notDelivered = sentSet.size() - delivered.size();
        return new Direction(sentSet.size(), delivered.size(), duplicates, reported, late, undecryptable,
                toldNotDelivered, Math.max(0, notDelivered - reported), reasons);
    }

    /**
     * The sender's side in the order its manager told it (both arrive on the manager's worker): each message as it was
     * sealed, with the number each device's session gave it, and each {@code NotAcknowledged} report. A report names
     * numbers in one session of one device; numbers start again in a new session, so the sealed messages are kept in
     * runs per device, a new run starting where a number does not grow, and a report is about the newest run holding a
     * number in its range (a replacement is reported before the new session's numbers reach the old one's).
     */
    static final class SenderLedger {
        private final List<Object> entries = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        void sealed(SealedMessage message) {
            entries.add(message);
        }

        void event(SecurityEvent event) {
            if (event instanceof SecurityEvent.NotAcknowledged) {
                entries.add(event);
            }
        }

        /** The stanza ids of the messages a {@code NotAcknowledged} report named. */
        Set<String> notAcknowledged() {
            List<Object> copy;
            synchronized (entries) {
                copy = List.copyOf(entries);
            }
            java.util.Map<Long, List<java.util.Map<Long, String>>> runs = new java.util.HashMap<>();
            java.util.Map<Long, Long> last = new java.util.HashMap<>();
            Set<String> named = new HashSet<>();
            for (Object entry : copy) {
                if (entry instanceof SealedMessage sealed) {
                    sealed.sequenceByDevice().forEach((device, sequence) -> {
                        List<java.util.Map<Long, String>> deviceRuns = runs.computeIfAbsent(device,
                                d -> new java.util.ArrayList<>());
                        Long before = last.put(device, sequence);
                        if (before == null || sequence <= before) {
                            deviceRuns.add(new java.util.HashMap<>());
                        }
                        deviceRuns.get(deviceRuns.size() - 1).put(sequence, sealed.stanzaId());
                    });
                } else if (entry instanceof SecurityEvent.NotAcknowledged report) {
                    List<java.util.Map<Long, String>> deviceRuns = runs.getOrDefault(report.deviceId(), List.of());
                    for (int i = deviceRuns.size() - 1; i >= 0; i--) {
                        java.util.Map<Long, String> run = deviceRuns.get(i);
                        List<String> ids = run.entrySet().stream().filter(e -> e.getKey() >= report.range().first()
                                && e.getKey() <= report.range().last()).map(java.util.Map.Entry::getValue).toList();
                        if (!ids.isEmpty()) {
                            named.addAll(ids);
                            break;
                        }
                    }
                }
            }
            return named;
        }
    }
}
