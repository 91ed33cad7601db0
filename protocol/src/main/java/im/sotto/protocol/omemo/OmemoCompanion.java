package im.sotto.protocol.omemo;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import im.sotto.protocol.device.DeviceStatementException;
import im.sotto.protocol.device.OmemoSide;
import im.sotto.protocol.device.OmemoSides;
import im.sotto.protocol.identity.AccountPublicKey;

/**
 * Which OMEMO devices get an OMEMO element beside Sotto's in the same stanza, when the negotiation chose Sotto
 * (docs/protocol.md 10.13): the OMEMO-only devices of a Sotto contact (a phone on Conversations beside a laptop on
 * Sotto), and ours. A device is OMEMO-only when no Sotto device of its account claims it as its OMEMO side in a
 * statement the account key signed ({@link OmemoSide}). The contact gets a companion only when every Sotto device it
 * lists has such a statement: an unclaimed OMEMO id could be a Sotto device's own side, which must not get a second
 * copy (nor be reached through OMEMO once that Sotto device is revoked). Per device, OMEMO 2 where the device lists
 * it, else OMEMO 0.3, as the OMEMO path chooses.
 */
public final class OmemoCompanion {
    private OmemoCompanion() {
    }

    /** What one account publishes now: its Sotto devices, their OMEMO side statements, its OMEMO device lists. */
    public record Account(Set<Long> sottoDevices, Optional<OmemoSides> sides, AccountPublicKey accountKey,
            Set<Long> omemo2, Set<Long> omemo03) {
        public Account {
            sottoDevices = Set.copyOf(sottoDevices);
            Objects.requireNonNull(sides, "sides");
            Objects.requireNonNull(accountKey, "accountKey");
            omemo2 = Set.copyOf(omemo2);
            omemo03 = Set.copyOf(omemo03);
        }
    }

    /** Why no companion element goes with a Sotto stanza. */
    public enum Reason {
        /** Every OMEMO device of the contact is the OMEMO side of one of its Sotto devices (or it has none). */
        NO_OMEMO_ONLY_DEVICE,
        /** A Sotto device of the contact has no OMEMO side statement: its OMEMO ids cannot be told apart. */
        SIDES_UNKNOWN,
        /** The contact's statements are not all signed by its pinned account key: a server wrote into the list. */
        SIDES_NOT_SIGNED
    }

    public sealed interface Decision {
    }

    /** Only Sotto's element. */
    public record SottoOnly(Reason reason) implements Decision {
    }

    /** An OMEMO element too, for these device ids (per account and version; ours may be empty). */
    public record WithOmemo(Set<Long> contactOmemo2, Set<Long> contactOmemo03, Set<Long> ownOmemo2,
            Set<Long> ownOmemo03) implements Decision {
        public WithOmemo {
            contactOmemo2 = Set.copyOf(contactOmemo2);
            contactOmemo03 = Set.copyOf(contactOmemo03);
            ownOmemo2 = Set.copyOf(ownOmemo2);
            ownOmemo03 = Set.copyOf(ownOmemo03);
        }
    }

    /**
     * @param contact the contact, a Sotto contact (the negotiation chose Sotto), checked under its pinned account key
     * @param own our own account, checked under our account key; its OMEMO-only devices get a copy when the contact
     *     gets one (as the OMEMO path does), never alone
     */
    public static Decision decide(Account contact, Account own) {
        Optional<OmemoOnly> theirs;
        try {
            theirs = omemoOnly(contact);
        } catch (DeviceStatementException e) {
            return new SottoOnly(Reason.SIDES_NOT_SIGNED);
        }
        if (theirs.isEmpty()) {
            return new SottoOnly(Reason.SIDES_UNKNOWN);
        }
        if (theirs.get().omemo2().isEmpty() && theirs.get().omemo03().isEmpty()) {
            return new SottoOnly(Reason.NO_OMEMO_ONLY_DEVICE);
        }
        OmemoOnly ours;
        try {
            ours = omemoOnly(own).orElse(OmemoOnly.NONE);
        } catch (DeviceStatementException e) {
            ours = OmemoOnly.NONE;
        }
        return new WithOmemo(theirs.get().omemo2(), theirs.get().omemo03(), ours.omemo2(), ours.omemo03());
    }

    /**
     * True when every OMEMO device {@code omemo2} and {@code omemo03} list is the side of a Sotto device in a statement
     * {@code key} signed: no companion can be due, whatever else the account publishes (the common case of a Sotto
     * contact with OMEMO on, decided without reading its other lists). False when a statement does not verify.
     */
    public static boolean allClaimed(Optional<OmemoSides> sides, AccountPublicKey key, Set<Long> omemo2,
            Set<Long> omemo03) {
        List<OmemoSide> verified;
        try {
            verified = sides.orElse(OmemoSides.empty()).verified(key);
        } catch (DeviceStatementException e) {
            return false;
        }
        Set<Long> claimed2 = new HashSet<>();
        Set<Long> claimed03 = new HashSet<>();
        for (OmemoSide side : verified) {
            side.omemo2().ifPresent(claimed2::add);
            side.omemo03().ifPresent(claimed03::add);
        }
        return claimed2.containsAll(omemo2) && claimed03.containsAll(omemo03);
    }

    private record OmemoOnly(Set<Long> omemo2, Set<Long> omemo03) {
        static final OmemoOnly NONE = new OmemoOnly(Set.of(), Set.of());
    }

    /** Empty when a listed Sotto device has no statement; thrown when a statement is not the account's. */
    private static Optional<OmemoOnly> omemoOnly(Account account) throws DeviceStatementException {
        List<OmemoSide> sides = account.sides().orElse(OmemoSides.empty()).verified(account.accountKey());
        Set<Long> claimed = new HashSet<>();
        sides.forEach(s -> claimed.add(s.deviceId()));
        if (!claimed.containsAll(account.sottoDevices())) {
            return Optional.empty();
        }
        Set<Long> omemo2 = new TreeSet<>(account.omemo2());
        Set<Long> omemo03 = new TreeSet<>(account.omemo03());
        for (OmemoSide side : sides) {
            side.omemo2().ifPresent(omemo2::remove);
            side.omemo03().ifPresent(omemo03::remove);
        }
        // A device listed for both versions is one client: OMEMO 2 reaches it, as on the OMEMO path.
        omemo03.removeAll(account.omemo2());
        return Optional.of(new OmemoOnly(omemo2, omemo03));
    }
}
