package im.sotto.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import im.sotto.protocol.identity.Fingerprint;
import im.sotto.xmpp.SottoManager;

import org.jxmpp.jid.EntityBareJid;

/**
 * The SAS comparison shared by {@code sotto verify} and {@code /verify} in {@code sotto chat}: what to show, what to
 * ask, and what the answer records. A session that began offline has no SAS; the fingerprint is compared instead.
 */
final class SasCheck {
    /** What is compared: a SAS, or the peer's fingerprint when the session began offline. */
    record Comparison(Optional<String> sas, Optional<Fingerprint> fingerprint) {
    }

    private SasCheck() {
    }

    /** The lines to show before the question. */
    static List<String> shown(EntityBareJid peer, Comparison found) {
        if (found.sas().isPresent()) {
            return List.of("SAS with " + peer + ": " + found.sas().get());
        }
        return List.of("This session began offline and has no SAS; compare the fingerprint instead.",
                peer + "'s fingerprint: " + found.fingerprint().map(Fingerprint::displayForm).orElse("(not yet proved)"));
    }

    static String question(EntityBareJid peer, Comparison found) {
        return found.sas().isPresent() ? "Does " + peer + " see the same 8 characters? [yes/no] "
                : "Does sotto fingerprint on " + peer + "'s side show the same? [yes/no] ";
    }

    static boolean isYes(String answer) {
        String a = answer.strip().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }

    /**
     * Records the answer: VERIFIED on yes; on no the contact is DISTRUSTED (evidence of someone in the middle: nothing
     * is sent to it until a later comparison matches). Returns the line to show; throws the one-line failure (exit
     * code 7) when the answer was no or the decision cannot be recorded.
     */
    static String record(SottoManager manager, EntityBareJid peer, boolean same) {
        if (!same) {
            manager.markSasMismatch(peer);
            throw new CliException(ExitCode.NOT_VERIFIED, "NOT verified: " + peer + " sees something else, so "
                    + "someone may be in the middle; " + peer + " is now " + TrustNames.of(manager.contact(peer))
                    + ": nothing is sent to it until a comparison matches. Compare again in person");
        }
        if (!manager.markVerified(peer)) {
            throw new CliException(ExitCode.NOT_VERIFIED, "could not record the decision: the key pinned for " + peer
                    + " is not the one compared");
        }
        return peer + " is now " + TrustNames.of(manager.contact(peer));
    }
}
