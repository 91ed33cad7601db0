package im.sotto.xmpp.omemo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.UnapprovedOmemoDevice;

/**
 * What a send does with one OMEMO device it has a session with: the rule OMEMO 0.3 and OMEMO 2 share
 * (docs/protocol.md 10.13, 10.14), kept in one place so the two versions cannot drift apart.
 */
public enum OmemoSendChoice {
    /** The message is encrypted to the device. */
    ENCRYPT,
    /** Left out until the user approves the device; reported ({@code OmemoDevicesNotApproved}). */
    AWAITS_APPROVAL,
    /** Left out: its key is not the pinned one, or the user refused it. */
    NOT_TRUSTED;

    /**
     * @param pinned       the device's trust level, when its key is pinned
     * @param keyAllowed   whether the session's key is the pinned one at a level that may be sent to
     * @param verifiedOnly whether only {@code VERIFIED} devices may be sent to (a Sotto contact's OMEMO-only devices)
     */
    public static OmemoSendChoice of(Optional<OmemoTrustLevel> pinned, boolean keyAllowed, boolean verifiedOnly) {
        if (keyAllowed && pinned.isPresent()) {
            return verifiedOnly && pinned.get() != OmemoTrustLevel.VERIFIED ? AWAITS_APPROVAL : ENCRYPT;
        }
        return pinned.filter(level -> level == OmemoTrustLevel.AWAITING_APPROVAL).isPresent() ? AWAITS_APPROVAL
                : NOT_TRUSTED;
    }

    /** Told, once per send and account, of the devices a message was not encrypted to because they await approval. */
    @FunctionalInterface
    public interface NotApproved {
        void skipped(String account, List<UnapprovedOmemoDevice> devices, String stanzaId);

        /** Tells {@code this} of {@code awaiting} (device -> fingerprint), one call per account, in listing order. */
        default void report(Map<SessionAddress, String> awaiting, String stanzaId) {
            Map<String, List<UnapprovedOmemoDevice>> byAccount = new LinkedHashMap<>();
            awaiting.forEach((device, fingerprint) -> byAccount.computeIfAbsent(device.peer(), a -> new ArrayList<>())
                    .add(new UnapprovedOmemoDevice(device.deviceId(), fingerprint)));
            byAccount.forEach((account, devices) -> skipped(account, devices, stanzaId));
        }
    }
}
