package im.sotto.protocol.handshake;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.DeviceCertificate;
import java.util.Optional;

/** Where the handshake finds the retained secrets this device keeps for a peer device (the store, in practice). */
public interface RetainedSecretLookup {
    /** Nothing retained, for anyone: every handshake is a first contact. */
    RetainedSecretLookup NONE = new RetainedSecretLookup() {
        @Override
        public Optional<RetainedSecrets> forDevice(DeviceCertificate peer) {
            return Optional.empty();
        }

        @Override
        public boolean knowsAccount(AccountPublicKey account) {
            return false;
        }
    };

    Optional<RetainedSecrets> forDevice(DeviceCertificate peer);

    /** True when this device has had sessions with some device of {@code account}. */
    boolean knowsAccount(AccountPublicKey account);
}
