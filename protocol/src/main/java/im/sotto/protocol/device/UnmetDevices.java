package im.sotto.protocol.device;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
     * The devices to start sessions with, the most recently listed first: listed by the account ({@code listed}, in
     * the published list's order), not this device ({@code localDevice}, 0 when the account is not ours), without a
     * session here ({@code met}), and eligible (never a revoked device, not a stale one: 7.7), at most
     * {@link #MAX_PER_MESSAGE}. Each device appends itself to its account's list when it first publishes (7.4), so the
     * end of the list holds the newest devices, the ones a contact wants to reach, and its start the oldest, the
     * likeliest to be gone (a reinstalled client): taken from the start, a list with more such leftovers than the cap
     * would keep a new device waiting for several logins. Ids outside 1 .. 2^31-1 are not device ids and ignored.
     */
    public static List<Long> toStart(List<Long> listed, Set<Long> met, long localDevice, PeerDevices devices,
            DeviceEligibility eligibility, Instant now) {
        List<Long> chosen = new ArrayList<>();
        for (long device : newestFirst(listed)) {
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

    /** {@code listed} from its end, each id once (a list from a server may repeat one; the latest place counts). */
    private static Set<Long> newestFirst(List<Long> listed) {
        Set<Long> order = new LinkedHashSet<>();
        for (int i = listed.size() - 1; i >= 0; i--) {
            order.add(listed.get(i));
        }
        return order;
    }
}
