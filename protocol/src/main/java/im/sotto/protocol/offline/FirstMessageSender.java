package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.crypto.MlKemEncapsulation;
import im.sotto.protocol.crypto.MlKemEncapsulationKey;
import im.sotto.protocol.crypto.SecretBytes;

import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.noise.SymmetricState;
import im.sotto.protocol.ratchet.RatchetInit;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.wire.ByteWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a session with a device that is offline, from its published bundle, in one message that already carries
 * application data (X3DH-style; docs/protocol.md, "Offline first message").
 */
public final class FirstMessageSender {
    private final DeviceIdentity local;
    private final List<CipherSuite> suitesByPreference;
    private final SecureRandom random;
    private final Clock clock;

    public FirstMessageSender(DeviceIdentity local, List<CipherSuite> suitesByPreference, SecureRandom random,
            Clock clock) {
        this.local = local;
        this.suitesByPreference = List.copyOf(suitesByPreference);
        this.random = random;
        this.clock = clock;
    }

    public OutgoingFirstMessage send(PreKeyBundle bundle, RecipientKnowledge recipient, byte[] plaintext,
            byte[] associatedData) throws BundleException {
        Optional<DeviceCertificate> pinned = recipient.certificate();
        if (pinned.isPresent()) {
            bundle.verify(pinned.get().accountKey());
        }
        CipherSuite suite = chooseSuite(bundle);
        try {
            return build(bundle, pinned, suite, plaintext, associatedData);
        } catch (InvalidPublicKeyException e) {
            throw new BundleException(BundleException.Kind.MALFORMED, "bundle key rejected: " + e.getMessage());
        }
    }

    /**
     * The suite for this bundle: a bundle with an ML-KEM prekey gets the hybrid suite from every sender that speaks
     * it, whatever the order of the sender's preferences (no silent downgrade to classical). Only an owner that
     * speaks the hybrid suite makes an ML-KEM prekey, and the signature covers it in both formats; in format 1 the
     * suites byte is not signed, so a missing hybrid bit there proves nothing and the hybrid suite is used anyway.
     * Otherwise the sender's most preferred suite the bundle lists.
     */
    CipherSuite chooseSuite(PreKeyBundle bundle) throws BundleException {
        if (bundle.pqPreKey().isPresent()) {
            List<CipherSuite> hybrid = suitesByPreference.stream().filter(CipherSuite::isHybrid).toList();
            Optional<CipherSuite> listed = hybrid.stream().filter(bundle.suites()::contains).findFirst();
            if (listed.isPresent()) {
                return listed.get();
            }
            if (!hybrid.isEmpty() && bundle.format() == PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY) {
                return hybrid.get(0);
            }
        }
        return suitesByPreference.stream().filter(bundle.suites()::contains).findFirst()
                .orElseThrow(() -> new BundleException(BundleException.Kind.NO_COMMON_SUITE,
                        "bundle offers " + bundle.suites()));
    }

    private OutgoingFirstMessage build(PreKeyBundle bundle, Optional<DeviceCertificate> pinned, CipherSuite suite,
            byte[] plaintext, byte[] associatedData) throws InvalidPublicKeyException {
        X25519KeyPair ephemeral = X25519KeyPair.generate(random);
        byte[] spk = bundle.signedPreKey();
        SymmetricState s = FirstMessageFormat.start(suite, ephemeral.publicKey());
        s.mixKey(ephemeral.agree(spk));
        byte[] kemCiphertext = new byte[0];
        if (suite.isHybrid()) {
            MlKemEncapsulation pq = MlKem768.encapsulate(MlKemEncapsulationKey.fromBytes(bundle.pqPreKey()
                    .orElseThrow(() -> new InvalidPublicKeyException("hybrid suite without an ML-KEM prekey"))),
                    random);
            kemCiphertext = pq.ciphertext();
            s.mixHash(kemCiphertext);
            s.mixKey(pq.sharedSecret());
            pq.sharedSecret().wipe();
        }
        long oneTimeId = pickOneTime(bundle);
        int flags = pinned.isPresent() ? FirstMessageFormat.FLAG_RECIPIENT_DEVICE_KEY : 0;
        byte[] header = s.encryptAndHash(new ByteWriter().u32(oneTimeId).u8(flags).toByteArray());
        if (oneTimeId != 0) {
            s.mixKey(ephemeral.agree(bundle.oneTimePreKeys().get(oneTimeId)));
        }
        if (pinned.isPresent()) {
            s.mixKey(ephemeral.agree(pinned.get().deviceKey()));
        }
        byte[] certificate = s.encryptAndHash(local.certificate().encoded());
        s.mixKey(local.deviceKey().agree(spk));
        byte[] transcript = s.handshakeHash();
        SecretBytes[] seed = FirstMessageFormat.seed(s);
        RatchetSession session = RatchetSession.start(RatchetInit.forInitiator(suite, seed[0], spk, seed[1], seed[2]),
                random, clock);
        for (SecretBytes k : seed) {
            k.wipe();
        }
        ephemeral.privateKey().wipe();
        byte[] ratchetMessage = session.encrypt(plaintext,
                FirstMessageFormat.ratchetAssociatedData(transcript, associatedData));
        byte[] wire = new ByteWriter().u8(FirstMessageFormat.VERSION).u8(FirstMessageFormat.TYPE_FIRST_MESSAGE)
                .u8(suite.wireId()).bytes(ephemeral.publicKey()).bytes(kemCiphertext).bytes(header).vector16(certificate)
                .bytes(ratchetMessage).toByteArray();
        return new OutgoingFirstMessage(wire, session, pinned.isPresent(),
                new PendingConfirmation(suite, transcript, bundle));
    }

    /** A random one-time prekey, so that senders racing for the same bundle rarely pick the same one; 0 if none. */
    private long pickOneTime(PreKeyBundle bundle) {
        List<Long> ids = new ArrayList<>(bundle.oneTimePreKeys().keySet());
        return ids.isEmpty() ? 0 : ids.get(random.nextInt(ids.size()));
    }

}
