package im.sotto.xmpp.omemo2;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoStores;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.omemo2.Omemo2Decryption;
import im.sotto.protocol.omemo2.Omemo2DeviceTrust;
import im.sotto.protocol.omemo2.Omemo2IdentityKey;
import im.sotto.protocol.omemo2.Omemo2LocalKeys;
import im.sotto.protocol.omemo2.Omemo2SessionCipher;
import im.sotto.protocol.omemo2.SceAffixes;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SessionOrigin;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.BareJid;

/**
 * Decrypts stanzas carrying OMEMO 2's {@code <encrypted>}: key exchanges, normal and empty messages. One store
 * transaction per stanza, committed only when the key element, the payload and the SCE envelope's affixes all
 * pass; a refusal (malformed, duplicate, untrusted key, moved payload...) stores nothing. The first message from a
 * device pins its identity key in that transaction.
 */
public final class Omemo2Receiver {
    private final AccountStore store;
    private final SecureRandom random;
    private final Clock clock;

    public Omemo2Receiver(AccountStore store, SecureRandom random, Clock clock) {
        this.store = store;
        this.random = random;
        this.clock = clock;
    }

    /**
     * For a message stanza with an {@link Omemo2Encrypted} extension, addressed to or sent by account {@code self}.
     */
    public Omemo2Receipt receive(Message stanza, BareJid self) {
        BareJid peer = stanza.getFrom() == null ? null : stanza.getFrom().asBareJid();
        Omemo2Encrypted element = stanza.getExtension(Omemo2Encrypted.class);
        if (peer == null || element == null || stanza.getTo() == null) {
            return new Omemo2Receipt.Refused(peer, 0, OmemoFailure.MALFORMED, "no sender, recipient or element");
        }
        if (element.malformedReason().isPresent()) {
            return new Omemo2Receipt.Refused(peer, 0, OmemoFailure.MALFORMED, element.malformedReason().get());
        }
        SessionAddress sender = new SessionAddress(peer.toString(), element.senderDeviceId());
        try {
            return store.transact(stores -> decrypt(stores.omemo2(), stanza, element, peer, sender, self));
        } catch (Refusal r) {
            return new Omemo2Receipt.Refused(peer, sender.deviceId(), r.reason, r.detail);
        }
    }

    private Omemo2Receipt decrypt(OmemoStores omemo2, Message stanza, Omemo2Encrypted element, BareJid peer,
            SessionAddress sender, BareJid self) {
        Omemo2LocalKeys keys = Omemo2LocalKeys.open(omemo2.device(), omemo2.preKeys(), random, clock);
        if (element.senderDeviceId() == keys.deviceId() && peer.equals(self)) {
            throw new Refusal(OmemoFailure.NOT_FOR_THIS_DEVICE, "sent by this device");
        }
        Optional<EncryptedKey> key = element.keyFor(self.toString(), keys.deviceId());
        if (key.isEmpty()) {
            throw new Refusal(OmemoFailure.NOT_FOR_THIS_DEVICE, "no key for device " + keys.deviceId());
        }
        Optional<Omemo2DeviceTrust> pinned = pinned(omemo2, sender);
        Omemo2SessionCipher sessions = new Omemo2SessionCipher(keys, omemo2.sessions(),
                (address, identity) -> Omemo2DeviceTrust.allows(pinned, identity, false), random);
        Omemo2Decryption result = sessions.decrypt(sender, key.get(), element.payload());
        if (result instanceof Omemo2Decryption.Failed failed) {
            throw new Refusal(failed.reason(), "");
        }
        Omemo2IdentityKey identity = result instanceof Omemo2Decryption.Message m ? m.senderIdentity()
                : ((Omemo2Decryption.Empty) result).senderIdentity();
        // A session kept from before a trust change must still carry the pinned key at a level that may receive.
        if (!Omemo2DeviceTrust.allows(pinned, identity, false)) {
            throw new Refusal(OmemoFailure.UNTRUSTED_IDENTITY, "the identity key is not the one pinned for device "
                    + sender.deviceId());
        }
        Omemo2DeviceTrust trust = pinned.orElseGet(() -> Omemo2DeviceTrust.firstSight(identity,
                others(omemo2, sender)));
        boolean consumed = result instanceof Omemo2Decryption.Message m ? m.consumedPreKeyId().isPresent()
                : ((Omemo2Decryption.Empty) result).consumedPreKeyId().isPresent();
        Optional<String> body = Optional.empty();
        if (result instanceof Omemo2Decryption.Message m) {
            SceEnvelope envelope = open(m.envelope());
            Optional<SceAffixes.Refusal> refusal = envelope.affixes().check(stanza.getTo().asBareJid().toString(),
                    peer.toString(), clock.instant());
            if (refusal.isPresent()) {
                throw new Refusal(OmemoFailure.ENVELOPE_MISMATCH, refusal.get().toString());
            }
            body = envelope.body();
        }
        if (pinned.isEmpty()) {
            omemo2.identities().storeTrustRecord(sender, trust.encode());
        }
        boolean republish = consumed && keys.refill() > 0;
        if (body.isEmpty()) {
            return new Omemo2Receipt.NothingToShow(peer, sender.deviceId(), republish);
        }
        return new Omemo2Receipt.Delivered(delivered(stanza, peer, sender.deviceId(), body.get(), trust.level()),
                republish);
    }

    private static SceEnvelope open(byte[] envelope) {
        try {
            return SceEnvelope.read(envelope);
        } catch (OmemoException e) {
            throw new Refusal(e.reason(), e.getMessage());
        }
    }

    /** Thrown inside the transaction so that nothing the decryption did is kept. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final OmemoFailure reason;
        final String detail;

        Refusal(OmemoFailure reason, String detail) {
            super(reason.toString(), null, false, false);
            this.reason = reason;
            this.detail = detail;
        }
    }

    static Optional<Omemo2DeviceTrust> pinned(OmemoStores omemo2, SessionAddress device) {
        Optional<byte[]> record = omemo2.identities().trustRecord(device);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Omemo2DeviceTrust.decode(record.get()));
        } catch (OmemoException e) {
            throw new IllegalStateException("stored OMEMO 2 trust record of " + device + " is damaged", e);
        }
    }

    static List<Omemo2DeviceTrust> others(OmemoStores omemo2, SessionAddress device) {
        List<Omemo2DeviceTrust> out = new ArrayList<>();
        for (SessionAddress a : omemo2.identities().trustedDevices(device.peer())) {
            if (!a.equals(device)) {
                pinned(omemo2, a).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The stanza as the sender wrote it: routing kept, the OMEMO element and fallback body replaced by the text. */
    private DecryptedStanza delivered(Message outer, BareJid peer, long deviceId, String body, OmemoTrustLevel level) {
        MessageBuilder builder = StanzaBuilder.buildMessage(outer.getStanzaId())
                .from(outer.getFrom()).to(outer.getTo()).ofType(outer.getType()).setBody(body);
        if (outer.getThread() != null) {
            builder.setThread(outer.getThread());
        }
        TrustLevel shown = switch (level) {
            case VERIFIED -> TrustLevel.VERIFIED;
            case DISTRUSTED -> TrustLevel.DISTRUSTED;
            case BLIND, AWAITING_APPROVAL -> TrustLevel.UNVERIFIED;
        };
        return new DecryptedStanza(builder.build(), peer, deviceId, Optional.empty(), shown, false,
                level.maySendTo(), Optional.empty(), SessionOrigin.OMEMO_2, clock.instant(), Optional.empty());
    }
}
