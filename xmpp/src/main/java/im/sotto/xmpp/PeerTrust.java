package im.sotto.xmpp;

import java.util.Arrays;
import java.util.Optional;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.store.Stores;

/**
 * Trust on first use, in one place: the first account key a contact presents is pinned; a different key later is
 * a key change, which holds sending to that contact until the user accepts the new key. The record (version 1,
 * {@link RecordCodec} fields) is the pinned key, a verified flag, and the presented key awaiting acceptance.
 */
final class PeerTrust {
    private static final int VERSION = 1;

    enum Check {
        /** No key was pinned for this contact; this one is now. */
        PINNED_NOW,
        /** The key is the pinned one. */
        MATCHES,
        /** Another key was pinned: a key change. It is remembered as awaiting acceptance. */
        CHANGED
    }

    private record Trust(byte[] pinned, boolean verified, Optional<byte[]> presented) {
    }

    private PeerTrust() {
    }

    static Check check(Stores stores, String peer, AccountPublicKey key) {
        Optional<Trust> trust = load(stores, peer);
        if (trust.isEmpty()) {
            store(stores, peer, new Trust(key.bytes(), false, Optional.empty()));
            return Check.PINNED_NOW;
        }
        if (Arrays.equals(trust.get().pinned, key.bytes())) {
            return Check.MATCHES;
        }
        store(stores, peer, new Trust(trust.get().pinned, trust.get().verified, Optional.of(key.bytes())));
        return Check.CHANGED;
    }

    /** The key check without recording anything (for a stanza from a session made before the change). */
    static boolean matchesPinned(Stores stores, String peer, AccountPublicKey key) {
        return load(stores, peer).map(t -> Arrays.equals(t.pinned, key.bytes())).orElse(false);
    }

    static Optional<AccountPublicKey> pinned(Stores stores, String peer) {
        return load(stores, peer).map(t -> AccountPublicKey.of(t.pinned));
    }

    static boolean known(Stores stores, String peer) {
        return load(stores, peer).isPresent();
    }

    /** True while a changed key awaits the user's acceptance: nothing is sent to this contact meanwhile. */
    static boolean held(Stores stores, String peer) {
        return load(stores, peer).map(t -> t.presented.isPresent()).orElse(false);
    }

    static TrustLevel level(Stores stores, String peer) {
        return load(stores, peer).map(t -> t.verified ? TrustLevel.VERIFIED : TrustLevel.TRUSTED_ON_FIRST_USE)
                .orElse(TrustLevel.UNAUTHENTICATED);
    }

    /** Pins the presented key in place of the old one (unverified); returns false if no change was pending. */
    static boolean acceptPresented(Stores stores, String peer) {
        Optional<Trust> trust = load(stores, peer);
        if (trust.isEmpty() || trust.get().presented.isEmpty()) {
            return false;
        }
        store(stores, peer, new Trust(trust.get().presented.get(), false, Optional.empty()));
        return true;
    }

    /** Marks the pinned key verified, if it is {@code key}; returns whether it was. */
    static boolean markVerified(Stores stores, String peer, AccountPublicKey key) {
        Optional<Trust> trust = load(stores, peer);
        if (trust.isEmpty() || !Arrays.equals(trust.get().pinned, key.bytes())) {
            return false;
        }
        store(stores, peer, new Trust(trust.get().pinned, true, trust.get().presented));
        return true;
    }

    private static Optional<Trust> load(Stores stores, String peer) {
        Optional<byte[]> record = stores.identities().peerTrust(peer);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        try {
            RecordCodec.Reader in = new RecordCodec.Reader(record.get(), VERSION);
            byte[] pinned = in.field();
            byte[] verified = in.field();
            Optional<byte[]> presented = in.optional();
            in.end();
            if (pinned.length != 32 || verified.length != 1) {
                throw new RecordCodec.MalformedRecordException("bad trust record fields");
            }
            return Optional.of(new Trust(pinned, verified[0] == 1, presented));
        } catch (RecordCodec.MalformedRecordException e) {
            throw new IllegalStateException("the trust record for " + peer + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void store(Stores stores, String peer, Trust trust) {
        stores.identities().storePeerTrust(peer, new RecordCodec.Writer(VERSION)
                .field(trust.pinned)
                .field(new byte[] {(byte) (trust.verified ? 1 : 0)})
                .optional(trust.presented)
                .toByteArray());
    }
}
