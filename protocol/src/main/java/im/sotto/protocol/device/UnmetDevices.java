package im.sotto.protocol.device;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which devices an account publishes that this device has no session with yet and should start one with before its
 * next message to that account (docs/protocol.md 7.9, "Devices linked later"): a device linked to a contact's account
 * (or to our own) after our sessions with that account were made. Without this, the new device reads nothing we send
 * until it writes to us first.
 *
 * <p>Only the choice of devices is made here. Whether a device is reached is decided where its first message is made:
 * its bundle must be signed by the account key pinned for the account, and the contact's trust must allow a device
 * that has not proved its certificate yet (a verified contact's new device waits for approval).
 */
public final class UnmetDevices {
    /**
     * New sessions started per message. A user links devices one at a time; more than eight new devices at once is a
     * list a server padded, and each first message costs a key encapsulation and about 1.5 KB of stanza. The rest
     * are started with the next messages.
     */
    public static final int MAX_PER_MESSAGE = 8;

    private UnmetDevices() {
    }

    /**
     * The devices to start sessions with, lowest id first: listed by the account, not this device ({@code localDevice},
     * 0 when the account is not ours), without a session here ({@code met}), and eligible (never a revoked device,
     * not a stale one: 7.7), at most {@link #MAX_PER_MESSAGE}. Ids outside 1 .. 2^31-1 are not device ids and ignored.
     */
    public static List<Long> toStart(Collection<Long> listed, Set<Long> met, long localDevice, PeerDevices devices,
            DeviceEligibility eligibility, Instant now) {
        List<Long> chosen = new ArrayList<>();
        for (long device : new TreeSet<>(listed)) {
            if (chosen.size() == MAX_PER_MESSAGE) {
                break;
            }
            if (device < 1 || device > Integer.MAX_VALUE || device == localDevice || met.contains(device)) {
                continue;
            }
            if (eligibility.of(devices, device, now) == DeviceEligibility.Verdict.ELIGIBLE) {
                chosen.add(device);
            }
        }
        return List.copyOf(chosen);
    }
}
