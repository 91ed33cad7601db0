package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
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
        CipherSuite suite = suitesByPreference.stream().filter(bundle.suites()::contains).findFirst()
                .orElseThrow(() -> new BundleException(BundleException.Kind.NO_COMMON_SUITE,
                        "bundle offers " + bundle.suites()));
        try {
            return build(bundle, pinned, suite, plaintext, associatedData);
        } catch (InvalidPublicKeyException e) {
            throw new BundleException(BundleException.Kind.MALFORMED, "bundle key rejected: " + e.getMessage());
        }
    }

    private OutgoingFirstMessage build(PreKeyBundle bundle, Optional<DeviceCertificate> pinned, CipherSuite suite,
            byte[] plaintext, byte[] associatedData) throws InvalidPublicKeyException {
        X25519KeyPair ephemeral = X25519KeyPair.generate(random);
        byte[] spk = bundle.signedPreKey();
        SymmetricState s = FirstMessageFormat.start(suite, ephemeral.publicKey());
        s.mixKey(ephemeral.agree(spk));
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
                .u8(suite.wireId()).bytes(ephemeral.publicKey()).bytes(header).vector16(certificate)
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
