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
    private final RetainedSecretLookup retainedSecrets;
    private final AttachedCertification certification;

    private HandshakeConfig(Builder b) {
        this.device = Objects.requireNonNull(b.device);
        this.versions = Set.copyOf(b.versions);
        this.suitesByPreference = List.copyOf(b.suites);
        this.modes = Set.copyOf(b.modes);
        this.preferredResponderMode = b.preferredResponderMode;
        this.revealToInitiator = b.revealToInitiator;
        this.retainedSecrets = b.retainedSecrets;
        this.certification = b.certification;
        if (suitesByPreference.isEmpty() || modes.isEmpty() || versions.isEmpty()) {
            throw new IllegalArgumentException("a handshake config needs versions, suites and modes");
        }
        if (versions.stream().anyMatch(v -> v < ProtocolVersion.MINIMUM_ACCEPTED)) {
            throw new IllegalArgumentException("versions below the minimum are never spoken");
        }
    }

    /** Defaults: version 1, AES-GCM, ChaCha20-Poly1305, hybrid; all modes, XX when responding, reveal to anyone. */
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

    RetainedSecretLookup retainedSecrets() {
        return retainedSecrets;
    }

    /** The account certification this device attaches to its identified payloads, if the user configured one. */
    public java.util.Optional<AttachedCertification> certification() {
        return java.util.Optional.ofNullable(certification);
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
        /**
         * AES-GCM first (the default suite: hardware everywhere), then ChaCha20-Poly1305, then the hybrid suite,
         * which is accepted but not preferred: it adds 2.3 KB to a handshake. An application that wants
         * post-quantum protection puts it first (and may offer it alone, falling back through a counter-offer).
         */
        private List<CipherSuite> suites = List.of(CipherSuite.X25519_AESGCM_SHA256,
                CipherSuite.X25519_CHACHAPOLY_SHA256, CipherSuite.X25519MLKEM768_AESGCM_SHA256);
        private Set<HandshakeMode> modes = EnumSet.allOf(HandshakeMode.class);
        private HandshakeMode preferredResponderMode = HandshakeMode.XX;
        private Predicate<DeviceCertificate> revealToInitiator = cert -> true;
        private RetainedSecretLookup retainedSecrets = RetainedSecretLookup.NONE;
        private AttachedCertification certification;

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

        /** Where the retained secrets for peer devices are kept (by default: none, every session is new). */
        public Builder retainedSecrets(RetainedSecretLookup value) {
            this.retainedSecrets = Objects.requireNonNull(value);
            return this;
        }

        /** Attaches this account's X.509 or OpenPGP certification to every handshake (null: none, the default). */
        public Builder certification(AttachedCertification value) {
            this.certification = value;
            return this;
        }

        public HandshakeConfig build() {
            return new HandshakeConfig(this);
        }
    }
}
