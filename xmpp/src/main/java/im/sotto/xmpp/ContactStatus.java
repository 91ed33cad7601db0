package im.sotto.xmpp;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

import im.sotto.protocol.identity.Fingerprint;
import im.sotto.protocol.trust.Certification;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.protocol.trust.TrustSource;

import org.jxmpp.jid.BareJid;

/**
 * What this device decided about a contact, for display: the level and how it was reached, the pinned account key's
 * fingerprint, the devices approved and those awaiting approval, a changed key awaiting the user's decision, and a
 * certification (X.509 subject and issuer, or OpenPGP user id and key fingerprint) while it counts.
 */
public record ContactStatus(BareJid peer, TrustLevel level, TrustSource source, Fingerprint fingerprint,
        SortedSet<Long> approvedDevices, SortedSet<Long> pendingDevices, Optional<Fingerprint> pendingKeyChange,
        Optional<Certification> certification) {
    public ContactStatus {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(pendingKeyChange, "pendingKeyChange");
        Objects.requireNonNull(certification, "certification");
        approvedDevices = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(approvedDevices));
        pendingDevices = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(pendingDevices));
    }

    static ContactStatus of(BareJid peer, ContactTrust trust, Clock clock) {
        TrustLevel level = trust.level(clock);
        return new ContactStatus(peer, level, trust.source(clock), trust.pinnedKey().fingerprint(),
                trust.approvedDevices(), trust.pendingDevices(),
                trust.pendingKeyChange().map(k -> k.fingerprint()),
                trust.certification().filter(c -> level == TrustLevel.CERTIFIED));
    }
}
