package im.sotto.xmpp;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import im.sotto.protocol.identity.Fingerprint;

import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;

/**
 * A stanza that arrived end-to-end encrypted, decrypted and checked, with the security facts that go with it.
 *
 * @param stanza the stanza as the sender wrote it: outer routing attributes with the envelope's content
 * @param peer the sending account
 * @param deviceId the sending device (its id in the peer's device list and certificate)
 * @param accountFingerprint the sending account key's fingerprint; empty only while {@link TrustLevel#UNAUTHENTICATED}
 * @param trust how far the sending account is trusted
 * @param sas the session's short authentication string when it came from an online handshake
 * @param origin how the session began
 * @param sentAt the sender's claimed sending time (the envelope's time affix)
 */
public record DecryptedStanza(Stanza stanza, BareJid peer, long deviceId, Optional<Fingerprint> accountFingerprint,
        TrustLevel trust, Optional<String> sas, SessionOrigin origin, Instant sentAt) {
    public DecryptedStanza {
        Objects.requireNonNull(stanza, "stanza");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(accountFingerprint, "accountFingerprint");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(sas, "sas");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(sentAt, "sentAt");
    }
}
