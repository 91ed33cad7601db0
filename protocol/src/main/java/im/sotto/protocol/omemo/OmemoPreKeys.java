package im.sotto.protocol.omemo;

import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.internal.CurveKeys;
import im.sotto.protocol.omemo.internal.KeyRecords;
import im.sotto.protocol.omemo.internal.XEdDsa;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This device's OMEMO keys: its device id and identity key pair, its signed prekeys (the newest is published; older
 * ones answer prekey messages sent before a rotation until removed) and its one-time prekeys. {@link #open} creates
 * whatever is missing, so the bundle is always complete.
 */
public final class OmemoPreKeys {
    private final OmemoPreKeyStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final KeyRecords.Device device;

    private OmemoPreKeys(OmemoPreKeyStore store, SecureRandom random, Clock clock, KeyRecords.Device device) {
        this.store = store;
        this.random = random;
        this.clock = clock;
        this.device = device;
    }

    /** Loads this device's keys, creating the device identity, a signed prekey and one-time prekeys if missing. */
    public static OmemoPreKeys open(OmemoDeviceStore devices, OmemoPreKeyStore preKeys, SecureRandom random,
            Clock clock) {
        KeyRecords.Device device;
        Optional<byte[]> stored = devices.localDevice();
        if (stored.isPresent()) {
            device = KeyRecords.decodeDevice(stored.get());
        } else {
            device = new KeyRecords.Device(OmemoDeviceId.generate(random), X25519KeyPair.generate(random));
            devices.storeLocalDevice(KeyRecords.encodeDevice(device));
        }
        OmemoPreKeys keys = new OmemoPreKeys(preKeys, random, clock, device);
        if (preKeys.ids(OmemoPreKeyKind.SIGNED).isEmpty()) {
            keys.rotateSignedPreKey();
        }
        keys.refill();
        return keys;
    }

    public int deviceId() {
        return device.deviceId();
    }

    public OmemoIdentityKey identityKey() {
        try {
            return OmemoIdentityKey.of(device.identity().publicKey());
        } catch (OmemoException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The bundle to publish: the newest signed prekey and every unused one-time prekey. */
    public OmemoBundle bundle() {
        int signedId = newestSignedPreKeyId();
        KeyRecords.SignedPreKey signed = signedPreKeyRecord(signedId).orElseThrow();
        List<OmemoBundle.PreKey> published = new ArrayList<>();
        for (int id : store.ids(OmemoPreKeyKind.ONE_TIME)) {
            published.add(new OmemoBundle.PreKey(id, oneTimePreKey(id).orElseThrow().publicKey()));
        }
        return new OmemoBundle(device.deviceId(), identityKey(), signedId, signed.keyPair().publicKey(),
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

    /** Creates and signs a new signed prekey, which the next {@link #bundle()} publishes; returns its id. */
    public int rotateSignedPreKey() {
        Set<Integer> used = new HashSet<>(store.ids(OmemoPreKeyKind.SIGNED));
        int id = freshId(used);
        X25519KeyPair pair = X25519KeyPair.generate(random);
        byte[] signature = XEdDsa.sign(device.identity().privateKey(), CurveKeys.serialize(pair.publicKey()), random);
        // Creation times order the signed prekeys (the newest is published), so they must strictly increase even
        // under a clock that stands still or steps back.
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

    /**
     * Removes signed prekeys created before {@code cutoff}, except the newest (always kept, it is the published one);
     * returns how many were removed. A prekey message naming a removed one is refused as UNKNOWN_SIGNED_PREKEY.
     */
    public int removeSignedPreKeysCreatedBefore(Instant cutoff) {
        int newest = newestSignedPreKeyId();
        int removed = 0;
        for (int id : store.ids(OmemoPreKeyKind.SIGNED)) {
            if (id != newest && signedPreKeyRecord(id).orElseThrow().created().isBefore(cutoff)
                    && store.remove(OmemoPreKeyKind.SIGNED, id)) {
                removed++;
            }
        }
        return removed;
    }

    X25519KeyPair identityKeyPair() {
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

    /**
     * A random unused id in 1..{@link OmemoLimits#MAX_PREKEY_ID}. Random rather than sequential so no counter has
     * to be stored; reusing an id consumed long ago only makes a replay of that old message fail its MAC.
     */
    private int freshId(Set<Integer> used) {
        while (true) {
            int id = 1 + random.nextInt(OmemoLimits.MAX_PREKEY_ID);
            if (!used.contains(id)) {
                return id;
            }
        }
    }
}
