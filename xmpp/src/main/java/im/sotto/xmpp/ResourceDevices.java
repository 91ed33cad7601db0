package im.sotto.xmpp;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.jxmpp.jid.Jid;

/**
 * Which device each peer resource (full JID) was last seen running, learned from the stanzas and handshakes that
 * came from it: an iq goes to that device's session, a handshake starts as the known-peer handshake, and a trust hold
 * may concern that device alone. Kept in memory only; the manager's worker thread alone uses it.
 */
final class ResourceDevices {
    private final Map<Jid, Long> deviceAt = new HashMap<>();

    /** The device last seen at {@code resource}; empty for one never heard from (or a bare JID). */
    Optional<Long> of(Jid resource) {
        return Optional.ofNullable(deviceAt.get(resource));
    }

    void learned(Jid resource, long deviceId) {
        deviceAt.put(resource, deviceId);
    }
}
