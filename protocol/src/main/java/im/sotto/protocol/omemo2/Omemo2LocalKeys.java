package im.sotto.protocol.omemo2;

import im.sotto.protocol.crypto.Ed25519KeyPair;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.OmemoDeviceId;
import im.sotto.protocol.omemo.OmemoDeviceStore;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.OmemoPreKeyStore;
import im.sotto.protocol.omemo.internal.KeyRecords;
import im.sotto.protocol.omemo2.internal.TwomemoKeyRecords;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This device's OMEMO 2 keys: its device id and Ed25519 identity key, its signed prekeys (the newest is published)
 * and its one-time prekeys. The stores given here must be OMEMO 2's own (never OMEMO 0.3's: the identity records
 * differ and are refused as damaged). {@link #open} creates whatever is missing, so the bundle is always complete.
 */
public final class Omemo2LocalKeys {
    private final OmemoPreKeyStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final TwomemoKeyRecords.Device device;

    private Omemo2LocalKeys(OmemoPreKeyStore store, SecureRandom random, Clock clock,
            TwomemoKeyRecords.Device device) {
        this.store = store;
        this.random = random;
        this.clock = clock;
        this.device = device;
    }

    /** Loads this device's keys, creating the identity, a signed prekey and one-time prekeys if missing. */
    public static Omemo2LocalKeys open(OmemoDeviceStore devices, OmemoPreKeyStore preKeys, SecureRandom random,
            Clock clock) {
        TwomemoKeyRecords.Device device;
        Optional<byte[]> stored = devices.localDevice();
        if (stored.isPresent()) {
            device = TwomemoKeyRecords.decodeDevice(stored.get());
        } else {
            device = new TwomemoKeyRecords.Device(OmemoDeviceId.generate(random), Ed25519KeyPair.generate(random));
            devices.storeLocalDevice(TwomemoKeyRecords.encodeDevice(device));
        }
        Omemo2LocalKeys keys = new Omemo2LocalKeys(preKeys, random, clock, device);
        if (preKeys.ids(OmemoPreKeyKind.SIGNED).isEmpty()) {
            keys.rotateSignedPreKey();
        }
        keys.refill();
        return keys;
    }

    public int deviceId() {
        return device.deviceId();
    }

    public Omemo2IdentityKey identityKey() {
        return Omemo2IdentityKey.trusted(device.identity().publicKey());
    }

    /** The bundle to publish: the newest signed prekey and every unused one-time prekey. */
    public Omemo2Bundle bundle() {
        int signedId = newestSignedPreKeyId();
        KeyRecords.SignedPreKey signed = signedPreKeyRecord(signedId).orElseThrow();
        List<Omemo2Bundle.PreKey> published = new ArrayList<>();
        for (int id : store.ids(OmemoPreKeyKind.ONE_TIME)) {
            published.add(new Omemo2Bundle.PreKey(id, oneTimePreKey(id).orElseThrow().publicKey()));
        }
        return new Omemo2Bundle(device.deviceId(), identityKey(), signedId, signed.keyPair().publicKey(),
                signed.signature(), published);
    }

    /** Creates one-time prekeys until {@link OmemoLimits#ONE_TIME_PREKEYS} are held; returns how many it created. */
    public int refill() {
        Set<Integer> used = new HashSet<>(store.ids(OmemoPreKeyKind.ONE_TIME));
        int created = 0;
        while (used.size() < OmemoLimits.ONE_TIME_PREKEYS) {
            int id = freshId(used);
            store.store(OmemoPreKeyKind.ONE_TIME, id, KeyRecords.encodeOneTimePreKey(X25519KeyPair.generate(random)));
            used.add(id);
            created++;
        }
        return created;
    }

    /** Creates a signed prekey (plain Ed25519 over its raw 32 bytes), published by the next bundle; its id. */
    public int rotateSignedPreKey() {
        Set<Integer> used = new HashSet<>(store.ids(OmemoPreKeyKind.SIGNED));
        int id = freshId(used);
        X25519KeyPair pair = X25519KeyPair.generate(random);
        byte[] signature = device.identity().sign(pair.publicKey());
        // Creation times order the signed prekeys, so they strictly increase even under a clock standing still.
        Instant created = clock.instant();
        if (!used.isEmpty()) {
            Instant newest = signedPreKeyRecord(newestSignedPreKeyId()).orElseThrow().created();
            if (!created.isAfter(newest)) {
                created = newest.plusMillis(1);
            }
        }
        store.store(OmemoPreKeyKind.SIGNED, id, KeyRecords.encodeSignedPreKey(
                new KeyRecords.SignedPreKey(pair, signature, created)));
        return id;
    }

    Ed25519KeyPair identityKeyPair() {
        return device.identity();
    }

    Optional<X25519KeyPair> signedPreKey(int id) {
        return signedPreKeyRecord(id).map(KeyRecords.SignedPreKey::keyPair);
    }

    Optional<X25519KeyPair> oneTimePreKey(int id) {
        return store.load(OmemoPreKeyKind.ONE_TIME, id).map(KeyRecords::decodeOneTimePreKey);
    }

    void consumeOneTimePreKey(int id) {
        store.remove(OmemoPreKeyKind.ONE_TIME, id);
    }

    private Optional<KeyRecords.SignedPreKey> signedPreKeyRecord(int id) {
        return store.load(OmemoPreKeyKind.SIGNED, id).map(KeyRecords::decodeSignedPreKey);
    }

    private int newestSignedPreKeyId() {
        int newest = -1;
        Instant newestTime = Instant.MIN;
        for (int id : store.ids(OmemoPreKeyKind.SIGNED)) {
            Instant created = signedPreKeyRecord(id).orElseThrow().created();
            if (newest < 0 || created.isAfter(newestTime)) {
                newest = id;
                newestTime = created;
            }
        }
        if (newest < 0) {
            throw new IllegalStateException("no signed prekey");
        }
        return newest;
    }

    /** A random unused id in 1..{@link OmemoLimits#MAX_PREKEY_ID}; random so that no counter must be stored. */
    private int freshId(Set<Integer> used) {
        while (true) {
            int id = 1 + random.nextInt(OmemoLimits.MAX_PREKEY_ID);
            if (!used.contains(id)) {
                return id;
            }
        }
    }
}
