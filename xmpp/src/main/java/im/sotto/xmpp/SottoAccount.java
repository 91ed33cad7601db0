package im.sotto.xmpp;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.identity.Fingerprint;
import im.sotto.protocol.session.AccountPreKeys;
import im.sotto.protocol.session.ExternalTrust;
import im.sotto.protocol.session.RecordCodec;
import im.sotto.protocol.session.VerifiedCertificates;
import im.sotto.protocol.store.AccountStore;

/**
 * One account on one device, as the binding uses it: the store that holds all of its state, its identity (account
 * key, device key and certificate), and the injected randomness and clock. {@link #open} creates the identity and
 * the prekey vault on first use and loads them afterwards, so the same call serves a new and an existing store.
 *
 * <p>Where the state lives: the identity is the store's local-identity record (layout in {@link #encodeIdentity});
 * the prekey vault is one record in the prekey store ({@link AccountPreKeys}).
 */
public final class SottoAccount {
    /**
     * Suites this device certifies and publishes prekeys for: the two classical ones. The hybrid suite is accepted
     * in online handshakes (the handshake's defaults) but not offered offline here: its ML-KEM prekey would add
     * 1.2 KB to every bundle fetch.
     */
    static final List<CipherSuite> SUITES = List.of(CipherSuite.X25519_AESGCM_SHA256,
            CipherSuite.X25519_CHACHAPOLY_SHA256);
    private static final int IDENTITY_RECORD_VERSION = 1;
    private static final byte[] IDENTITY_LABEL = "sotto-xmpp identity".getBytes(StandardCharsets.US_ASCII);

    private final AccountStore store;
    private final AccountIdentity account;
    private final DeviceIdentity device;
    private final SecureRandom random;
    private final Clock clock;
    private final VerifiedCertificates certificates = new VerifiedCertificates();
    private volatile ExternalTrust externalTrust = ExternalTrust.NONE;
    private volatile im.sotto.protocol.device.DeviceEligibility eligibility =
            im.sotto.protocol.device.DeviceEligibility.defaults();

    private SottoAccount(AccountStore store, AccountIdentity account, DeviceIdentity device, SecureRandom random,
            Clock clock) {
        this.store = store;
        this.account = account;
        this.device = device;
        this.random = random;
        this.clock = clock;
    }

    /**
     * Opens the account kept in {@code store}: loads its identity and prekeys, or creates both in one transaction
     * when the store is new.
     *
     * @throws IllegalStateException when the store holds an identity record this version cannot read
     */
    public static SottoAccount open(AccountStore store, SecureRandom random, Clock clock) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(clock, "clock");
        return store.transact(stores -> {
            Optional<byte[]> record = stores.identities().localIdentity();
            if (record.isPresent()) {
                Loaded loaded = decodeIdentity(record.get());
                return new SottoAccount(store, loaded.account, loaded.device, random, clock);
            }
            AccountIdentity account = AccountIdentity.generate(random);
            DeviceIdentity device = newDevice(account, random, clock);
            stores.identities().storeLocalIdentity(encodeIdentity(account, device));
            AccountPreKeys.create(stores, account, SUITES, random, clock.instant());
            return new SottoAccount(store, account, device, random, clock);
        });
    }

    /**
     * Creates another device of an existing account in the empty {@code store}: a new device key, certified by
     * {@code account}'s key (copied from one of the account's devices by the application), and new prekeys. Peers
     * that verified the account see it as a new device of the same account (approved on sight while unverified,
     * awaiting the user's approval once verified), not as a key change.
     *
     * @throws IllegalStateException when the store already holds an identity
     */
    public static SottoAccount openLinkedDevice(AccountStore store, AccountIdentity account, SecureRandom random,
            Clock clock) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(account, "account");
        return openLinkedDevice(store, account, newDevice(account, random, clock), random, clock);
    }

    /**
     * Stores a device made by linking (docs/protocol.md 12) in the empty {@code store}: the account key and the
     * certificate of {@code device}'s key came from an existing device of the account; the prekeys are made here.
     *
     * @throws IllegalStateException when the store already holds an identity
     */
    public static SottoAccount openLinkedDevice(AccountStore store, AccountIdentity account, DeviceIdentity device,
            SecureRandom random, Clock clock) {
        if (!device.certificate().accountKey().equals(account.publicKey())) {
            throw new IllegalArgumentException("the device is certified by another account key");
        }
        store.transact(stores -> {
            if (stores.identities().localIdentity().isPresent()) {
                throw new IllegalStateException("the store already holds an identity");
            }
            stores.identities().storeLocalIdentity(encodeIdentity(account, device));
            AccountPreKeys.create(stores, account, SUITES, random, clock.instant());
            return null;
        });
        return open(store, random, clock);
    }

    /** A device id must fit the device list's 31-bit ids; the core draws from 1..2^31, so the last value is redrawn. */
    static DeviceIdentity newDevice(AccountIdentity account, SecureRandom random, Clock clock) {
        Set<Integer> suiteIds = SUITES.stream().map(CipherSuite::wireId).collect(Collectors.toSet());
        Set<Integer> allSuiteIds = new java.util.HashSet<>(suiteIds);
        allSuiteIds.add(CipherSuite.X25519MLKEM768_AESGCM_SHA256.wireId());
        while (true) {
            DeviceIdentity device = DeviceIdentity.create(account, Set.of(1), allSuiteIds, random, clock);
            if (device.deviceId() <= Integer.MAX_VALUE) {
                return device;
            }
        }
    }

    public AccountStore store() {
        return store;
    }

    public AccountIdentity identity() {
        return account;
    }

    public DeviceIdentity device() {
        return device;
    }

    /** The fingerprint users compare for this account (all devices share it). */
    public Fingerprint fingerprint() {
        return account.publicKey().fingerprint();
    }

    /**
     * Sets this account's optional external trust: a certification to attach to its handshakes, and the anchors,
     * CRLs and keyring contacts' certifications are checked against. Takes effect for handshakes started afterwards.
     */
    public void useExternalTrust(ExternalTrust trust) {
        this.externalTrust = Objects.requireNonNull(trust, "trust");
    }

    public ExternalTrust externalTrust() {
        return externalTrust;
    }

    SecureRandom random() {
        return random;
    }

    /**
     * How long a device of a peer (or of this account) may go unheard before nothing is encrypted to it (stale,
     * docs/protocol.md 7.7); 30 days unless set. The command-line client sets it from {@code --stale-after}.
     */
    public void setStaleAfter(java.time.Duration staleAfter) {
        eligibility = new im.sotto.protocol.device.DeviceEligibility(staleAfter);
    }

    im.sotto.protocol.device.DeviceEligibility eligibility() {
        return eligibility;
    }

    Clock clock() {
        return clock;
    }

    /** Peer certificates this account already checked, so session records need not re-verify them per message. */
    VerifiedCertificates certificates() {
        return certificates;
    }

    /** Identity record: version 1; fields: label, account seed, device private key, device certificate. */
    static byte[] encodeIdentity(AccountIdentity account, DeviceIdentity device) {
        SecretBytes seed = account.seed();
        SecretBytes devicePrivate = device.deviceKey().privateKey();
        return new RecordCodec.Writer(IDENTITY_RECORD_VERSION)
                .field(IDENTITY_LABEL)
                .field(seed.reveal())
                .field(devicePrivate.reveal())
                .field(device.certificate().encoded())
                .toByteArray();
    }

    private record Loaded(AccountIdentity account, DeviceIdentity device) {
    }

    private static Loaded decodeIdentity(byte[] record) {
        try {
            RecordCodec.Reader in = new RecordCodec.Reader(record, IDENTITY_RECORD_VERSION);
            if (!java.util.Arrays.equals(in.field(), IDENTITY_LABEL)) {
                throw new RecordCodec.MalformedRecordException("not a Sotto XMPP identity record");
            }
            AccountIdentity account = AccountIdentity.fromSeed(SecretBytes.copyOf(in.field()));
            X25519KeyPair deviceKey = X25519KeyPair.fromPrivate(SecretBytes.copyOf(in.field()));
            DeviceCertificate certificate = DeviceCertificate.parse(in.field());
            in.end();
            if (!certificate.accountKey().equals(account.publicKey())) {
                throw new IllegalStateException("the stored device certificate belongs to another account");
            }
            return new Loaded(account, DeviceIdentity.restore(deviceKey, certificate));
        } catch (RecordCodec.MalformedRecordException | CertificateException e) {
            throw new IllegalStateException("the stored identity cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SottoAccount[" + account.publicKey().fingerprint().shortForm() + ", device " + device.deviceId() + "]";
    }
}
