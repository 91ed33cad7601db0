package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** One device's handshake policy: what it speaks, what it prefers, and to whom it reveals itself. Immutable. */
public final class HandshakeConfig {
    private final DeviceIdentity device;
    private final Set<Integer> versions;
    private final List<CipherSuite> suitesByPreference;
    private final Set<HandshakeMode> modes;
    private final HandshakeMode preferredResponderMode;
    private final Predicate<DeviceCertificate> revealToInitiator;

    private HandshakeConfig(Builder b) {
        this.device = Objects.requireNonNull(b.device);
        this.versions = Set.copyOf(b.versions);
        this.suitesByPreference = List.copyOf(b.suites);
        this.modes = Set.copyOf(b.modes);
        this.preferredResponderMode = b.preferredResponderMode;
        this.revealToInitiator = b.revealToInitiator;
        if (suitesByPreference.isEmpty() || modes.isEmpty() || versions.isEmpty()) {
            throw new IllegalArgumentException("a handshake config needs versions, suites and modes");
        }
        if (versions.stream().anyMatch(v -> v < ProtocolVersion.MINIMUM_ACCEPTED)) {
            throw new IllegalArgumentException("versions below the minimum are never spoken");
        }
        // The hybrid suite's primitive exists but its handshake pattern does not: running the classical pattern
        // under the hybrid suite's name would claim a post-quantum protection the session does not have.
        if (suitesByPreference.stream().anyMatch(CipherSuite::isHybrid)) {
            throw new IllegalArgumentException("the hybrid X25519+ML-KEM-768 handshake is not implemented yet");
        }
    }

    /** Defaults: version 1, AES-GCM then ChaCha20-Poly1305, all modes, XX when responding, reveal to anyone. */
    public static Builder builder(DeviceIdentity device) {
        return new Builder(device);
    }

    public DeviceIdentity device() {
        return device;
    }

    public Set<Integer> versions() {
        return versions;
    }

    public List<CipherSuite> suitesByPreference() {
        return suitesByPreference;
    }

    public Set<HandshakeMode> modes() {
        return modes;
    }

    HandshakeMode preferredResponderMode() {
        return preferredResponderMode;
    }

    boolean revealsTo(DeviceCertificate initiator) {
        return revealToInitiator.test(initiator);
    }

    /** The offer this device sends as initiator and as a counter-offer: everything it speaks except IK. */
    Offer offer() {
        Set<HandshakeMode> offered = EnumSet.copyOf(modes);
        offered.remove(HandshakeMode.KNOWN_PEER);
        return Offer.of(versions, EnumSet.copyOf(suitesByPreference), offered);
    }

    /** The responder's choice from a peer's offer, or null when nothing is shared. */
    Selection choose(Offer peer) {
        Integer version = new TreeSet<>(versions).descendingSet().stream()
                .filter(v -> peer.versions().contains(v)).findFirst().orElse(null);
        CipherSuite suite = suitesByPreference.stream().filter(peer.suites()::contains).findFirst().orElse(null);
        HandshakeMode mode = null;
        if (peer.modes().contains(preferredResponderMode) && modes.contains(preferredResponderMode)) {
            mode = preferredResponderMode;
        } else {
            for (HandshakeMode m : List.of(HandshakeMode.XX, HandshakeMode.RESPONDER_PROTECTED)) {
                if (mode == null && peer.modes().contains(m) && modes.contains(m)) {
                    mode = m;
                }
            }
        }
        return version == null || suite == null || mode == null ? null : new Selection(version, suite, mode);
    }

    public static final class Builder {
        private final DeviceIdentity device;
        private Set<Integer> versions = Set.of(ProtocolVersion.CURRENT);
        private List<CipherSuite> suites = List.of(CipherSuite.X25519_AESGCM_SHA256,
                CipherSuite.X25519_CHACHAPOLY_SHA256);
        private Set<HandshakeMode> modes = EnumSet.allOf(HandshakeMode.class);
        private HandshakeMode preferredResponderMode = HandshakeMode.XX;
        private Predicate<DeviceCertificate> revealToInitiator = cert -> true;

        private Builder(DeviceIdentity device) {
            this.device = device;
        }

        public Builder versions(Set<Integer> value) {
            this.versions = value;
            return this;
        }

        public Builder suites(List<CipherSuite> byPreference) {
            this.suites = byPreference;
            return this;
        }

        public Builder modes(Set<HandshakeMode> value) {
            this.modes = value;
            return this;
        }

        /**
         * Responder-side choice between XX and the responder-protecting mode, when the initiator offers both.
         */
        public Builder preferredResponderMode(HandshakeMode value) {
            if (value == HandshakeMode.KNOWN_PEER) {
                throw new IllegalArgumentException("the known-peer mode is the initiator's choice");
            }
            this.preferredResponderMode = value;
            return this;
        }

        /** In the responder-protecting mode: reveal this device only to initiators the predicate accepts. */
        public Builder revealToInitiator(Predicate<DeviceCertificate> value) {
            this.revealToInitiator = Objects.requireNonNull(value);
            return this;
        }

        public HandshakeConfig build() {
            return new HandshakeConfig(this);
        }
    }
}
