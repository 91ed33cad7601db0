package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.DeviceCertificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What the initiator offers in message 1, or selects itself for the known-peer fast path. */
final class InitiatorOffers {
    private InitiatorOffers() {
    }

    /**
     * The suites of a first full offer. When this device prefers the hybrid suite (it is first in its list) it
     * offers that alone, so that a peer who speaks it must use it, and falls back through the counter-offer
     * otherwise; when it does not, it offers the classical suites only, and message 1 carries no 1,184-byte ML-KEM
     * key that the responder would not use.
     */
    static Set<CipherSuite> firstSuites(List<CipherSuite> preferred) {
        Set<CipherSuite> first = EnumSet.noneOf(CipherSuite.class);
        if (preferred.get(0).isHybrid()) {
            first.add(preferred.get(0));
        } else {
            preferred.stream().filter(s -> !s.isHybrid()).forEach(first::add);
        }
        return first;
    }

    /** A full offer: the configured versions, {@code suites}, every mode but the known-peer one. */
    static Offer full(HandshakeConfig config, Set<CipherSuite> suites, boolean withPassword) {
        Set<HandshakeMode> modes = EnumSet.copyOf(config.modes());
        modes.remove(HandshakeMode.KNOWN_PEER);
        Offer offer = Offer.of(config.versions(), suites, modes);
        return withPassword ? offer.withPassword() : offer;
    }

    /** The known-peer selection with a pinned device: the newest common version, the first common suite. */
    static Selection knownPeer(HandshakeConfig config, DeviceCertificate pinnedPeer) throws HandshakeException {
        int version = new TreeSet<>(config.versions()).descendingSet().stream()
                .filter(pinnedPeer.versions()::contains).findFirst()
                .orElseThrow(() -> new HandshakeException(HandshakeException.Kind.INCOMPATIBLE,
                        "no common version with pinned peer"));
        CipherSuite suite = config.suitesByPreference().stream()
                .filter(s -> pinnedPeer.suiteIds().contains(s.wireId())).findFirst()
                .orElseThrow(() -> new HandshakeException(HandshakeException.Kind.INCOMPATIBLE,
                        "no common suite with pinned peer"));
        return new Selection(version, suite, HandshakeMode.KNOWN_PEER);
    }
}
