package im.sotto.protocol.device;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a device of an account is still encrypted to (docs/protocol.md 7.7): never once revoked; not while it has
 * not been heard from for longer than {@link #staleAfter()} (stale), until it is heard from again. A device never
 * heard from (a first message not yet answered, a device met through its bundle) is not stale: there is no time to
 * measure from, and it would otherwise never be reached for the first time.
 */
public final class DeviceEligibility {
    /**
     * 30 days: longer than a holiday without the laptop, short enough that a lost device stops receiving within a
     * month even if nobody revokes it. It is also the lifetime of replaced sessions and held message keys.
     */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofDays(30);

    /** The verdict for one device. */
    public enum Verdict {
        ELIGIBLE,
        /** An account key's revocation statement names the device: nothing is encrypted to it ever again. */
        REVOKED,
        /** Not heard from within the staleness period: skipped until it sends again. */
        STALE
    }

    private final Duration staleAfter;

    public DeviceEligibility(Duration staleAfter) {
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("the staleness period must be positive");
        }
        this.staleAfter = staleAfter;
    }

    public static DeviceEligibility defaults() {
        return new DeviceEligibility(DEFAULT_STALE_AFTER);
    }

    public Duration staleAfter() {
        return staleAfter;
    }

    public Verdict of(PeerDevices devices, long deviceId, Instant now) {
        PeerDevices.Entry entry = devices.entry(deviceId).orElse(null);
        if (entry == null) {
            return Verdict.ELIGIBLE;
        }
        if (entry.revokedAt().isPresent()) {
            return Verdict.REVOKED;
        }
        if (entry.lastHeard().isPresent() && entry.lastHeard().get().plus(staleAfter).isBefore(now)) {
            return Verdict.STALE;
        }
        return Verdict.ELIGIBLE;
    }
}
