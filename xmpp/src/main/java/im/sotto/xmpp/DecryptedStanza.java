package im.sotto.xmpp;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import im.sotto.protocol.identity.Fingerprint;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.trust.TrustLevel;

import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;

/**
 * A stanza that arrived end-to-end encrypted, decrypted and checked, with the security facts that go with it.
 *
 * @param stanza the stanza as the sender wrote it: outer routing attributes with the envelope's content
 * @param peer the sending account
 * @param deviceId the sending device (its id in the peer's device list and certificate)
 * @param accountFingerprint the sending account key's fingerprint; empty only when not {@code authenticated}
 * @param trust the contact's trust level ({@link SottoManager#trustLevel}) when the stanza was opened
 * @param authenticated false only for a session that began with our own offline first message, before the peer's
 *     first reply proved its account key: whoever holds the published bundle's keys could be at the other end (the
 *     level is then what the contact had, or {@link TrustLevel#UNVERIFIED} at a first contact)
 * @param deviceApproved whether stanzas may be sent to this device: false while it awaits the user's approval
 *     ({@link SecurityEvent.DeviceNeedsApproval}) or the contact is distrusted
 * @param sas the session's short authentication string when it came from an online handshake
 * @param origin how the session began
 * @param sentAt the sender's claimed sending time (the envelope's time affix)
 * @param continuity what the online handshake that made the session found about its history with this device
 *     (docs/protocol.md 4.11): {@link Continuity#BROKEN} means someone with the device's keys but not its history
 *     (compare the SAS); empty for sessions made offline, which have no such check
 */
public record DecryptedStanza(Stanza stanza, BareJid peer, long deviceId, Optional<Fingerprint> accountFingerprint,
        TrustLevel trust, boolean authenticated, boolean deviceApproved, Optional<String> sas, SessionOrigin origin,
        Instant sentAt, Optional<Continuity> continuity) {
    public DecryptedStanza {
        Objects.requireNonNull(stanza, "stanza");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(accountFingerprint, "accountFingerprint");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(sas, "sas");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(continuity, "continuity");
        if (!authenticated && accountFingerprint.isPresent()) {
            throw new IllegalArgumentException("an unauthenticated sender has no proved fingerprint");
        }
    }
}
