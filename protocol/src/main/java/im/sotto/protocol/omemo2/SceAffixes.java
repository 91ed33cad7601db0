package im.sotto.protocol.omemo2;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The affixes of a decrypted SCE envelope (XEP-0420) as OMEMO 2's profile requires them (XEP-0384 0.8, "Stanza
 * Content Encryption"): {@code rpad} present, {@code to} and {@code from} present and naming the accounts the outer
 * stanza names, {@code time} optional. The outer {@code to}/{@code from} are not authenticated, the envelope's are:
 * a mismatch means someone moved an authentic payload into another stanza (to another account, or as if from
 * another sender), so the message is refused. Pure: the binding parses the XML, this decides.
 *
 * @param to the bare JID of the {@code to} affix, empty when absent
 * @param from the bare JID of the {@code from} affix, empty when absent
 * @param time the {@code time} affix, empty when absent
 * @param padded whether an {@code rpad} affix was present
 */
public record SceAffixes(Optional<String> to, Optional<String> from, Optional<Instant> time, boolean padded) {
    /**
     * How far in the future a {@code time} affix may lie: clocks of real devices are off by minutes, not days; a
     * stamp further ahead would pin the message's place in the history above everything the user writes next.
     */
    public static final Duration MAX_CLOCK_AHEAD = Duration.ofHours(24);

    /** Why an envelope's affixes are refused. */
    public enum Refusal {
        /** No {@code rpad}: the length of the content is not hidden, as the profile requires. */
        NO_PADDING,
        /** The {@code to} affix is missing or names another account than the stanza's recipient. */
        WRONG_RECIPIENT,
        /** The {@code from} affix is missing or names another account than the stanza's sender. */
        WRONG_SENDER,
        /** The {@code time} affix lies more than {@link #MAX_CLOCK_AHEAD} in the future. */
        TIME_IN_FUTURE
    }

    /**
     * The refusal, or empty when the affixes fit the stanza. JIDs are compared as bare JIDs in the form the binding
     * normalised them to (lower-case local and domain parts).
     */
    public Optional<Refusal> check(String outerTo, String outerFrom, Instant now) {
        if (!padded) {
            return Optional.of(Refusal.NO_PADDING);
        }
        if (to.isEmpty() || !to.get().equals(outerTo)) {
            return Optional.of(Refusal.WRONG_RECIPIENT);
        }
        if (from.isEmpty() || !from.get().equals(outerFrom)) {
            return Optional.of(Refusal.WRONG_SENDER);
        }
        if (time.isPresent() && time.get().isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            return Optional.of(Refusal.TIME_IN_FUTURE);
        }
        return Optional.empty();
    }
}
