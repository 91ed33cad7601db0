package im.sotto.cli;

import java.util.Optional;

import im.sotto.xmpp.ContactStatus;
import im.sotto.xmpp.DecryptedStanza;

/**
 * The trust names the command line shows (stable: scripts match them; docs/cli.md lists them): the binding's levels
 * {@code DISTRUSTED}, {@code UNVERIFIED}, {@code VERIFIED}, {@code CERTIFIED}, and {@code UNAUTHENTICATED} for a
 * contact whose account key is not known yet (only our own offline first message, unanswered).
 */
final class TrustNames {
    static final String UNAUTHENTICATED = "UNAUTHENTICATED";

    private TrustNames() {
    }

    static String of(Optional<ContactStatus> contact) {
        return contact.map(c -> c.level().name()).orElse(UNAUTHENTICATED);
    }

    static String of(DecryptedStanza stanza) {
        if (stanza.origin() == im.sotto.xmpp.SessionOrigin.OMEMO
                || stanza.origin() == im.sotto.xmpp.SessionOrigin.OMEMO_2) {
            // OMEMO has no account key: a device's key is trusted blindly until its fingerprint is verified.
            return stanza.trust() == im.sotto.protocol.trust.TrustLevel.VERIFIED ? "VERIFIED" : "BLIND";
        }
        return stanza.authenticated() ? stanza.trust().name() : UNAUTHENTICATED;
    }

    /**
     * How the trust level was reached, as far as the store knows it. A comparison is recorded without its kind (the
     * SAS of {@code sotto verify} and the fingerprint compared before {@code sotto trust} set the same field), so it
     * is never shown as "SAS" when it may have been a fingerprint (issue #18).
     */
    static String method(im.sotto.protocol.trust.TrustSource source) {
        // The other names (TOFU, USER, X509, OPENPGP) say what happened and scripts may match them: kept as they are.
        return source == im.sotto.protocol.trust.TrustSource.SAS ? "compared by you: SAS or fingerprint"
                : source.toString();
    }

    /** Extra facts worth a glance: devices awaiting approval, a changed key, a certification. */
    static String notes(ContactStatus c) {
        StringBuilder notes = new StringBuilder();
        if (!c.pendingDevices().isEmpty()) {
            notes.append("devices awaiting approval: ").append(c.pendingDevices());
        }
        c.pendingKeyChange().ifPresent(k -> append(notes, "NEW ACCOUNT KEY presented: " + k.shortForm()
                + " (sotto trust --accept-new-key)"));
        c.certification().ifPresent(cert -> append(notes, cert.method() + " certified: " + cert.subject()
                + " by " + cert.issuer() + " until " + cert.validUntil()));
        return notes.toString();
    }

    private static void append(StringBuilder notes, String note) {
        if (notes.length() > 0) {
            notes.append("; ");
        }
        notes.append(note);
    }
}
