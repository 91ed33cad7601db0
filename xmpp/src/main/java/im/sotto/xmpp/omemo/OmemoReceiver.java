package im.sotto.xmpp.omemo;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.omemo.KeyDecryption;
import im.sotto.protocol.omemo.OmemoDecryption;
import im.sotto.protocol.omemo.OmemoDeviceTrust;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.protocol.omemo.OmemoMessageCipher;
import im.sotto.protocol.omemo.OmemoPreKeys;
import im.sotto.protocol.omemo.OmemoSessionCipher;
import im.sotto.protocol.omemo.OmemoStores;
import im.sotto.protocol.omemo.OmemoTrustLevel;
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
 * Decrypts stanzas carrying OMEMO 0.3's {@code <encrypted>}: prekey and normal messages, key transport elements,
 * 12- and 16-byte IVs. One store transaction per stanza; a refused one (malformed, duplicate, untrusted key, not
 * for this device...) stores nothing. The first message from a device pins its identity key
 * ({@link OmemoDeviceTrust#firstSight}) in the same transaction; a different key under that device id later is
 * refused as {@link OmemoFailure#UNTRUSTED_IDENTITY}.
 */
public final class OmemoReceiver {
    private final AccountStore store;
    private final SecureRandom random;
    private final Clock clock;

    public OmemoReceiver(AccountStore store, SecureRandom random, Clock clock) {
        this.store = store;
        this.random = random;
        this.clock = clock;
    }

    /** For a message stanza with an {@link AxolotlEncrypted} extension from another account or own device. */
    public OmemoReceipt receive(Message stanza) {
        try {
            return decrypt(stanza);
        } catch (RefusedIdentity e) {
            return new OmemoReceipt.Refused(e.peer, e.deviceId, OmemoFailure.UNTRUSTED_IDENTITY,
                    "the session's identity key is not the one pinned for this device");
        }
    }

    private OmemoReceipt decrypt(Message stanza) {
        BareJid peer = stanza.getFrom() == null ? null : stanza.getFrom().asBareJid();
        AxolotlEncrypted element = stanza.getExtension(AxolotlEncrypted.class);
        if (peer == null || element == null) {
            return new OmemoReceipt.Refused(peer, 0, OmemoFailure.MALFORMED, "no sender or no OMEMO element");
        }
        if (element.message().isEmpty()) {
            return new OmemoReceipt.Refused(peer, 0, OmemoFailure.MALFORMED, element.malformedReason().orElse(""));
        }
        OmemoMessage message = element.message().get();
        SessionAddress sender = new SessionAddress(peer.toString(), message.senderDeviceId());
        return store.transact(stores -> {
            OmemoStores omemo = stores.omemo();
            OmemoPreKeys keys = OmemoPreKeys.open(omemo.device(), omemo.preKeys(), random, clock);
            if (message.senderDeviceId() == keys.deviceId()) {
                // Our own message reflected (a carbon of what this device sent): nothing addressed to us.
                return new OmemoReceipt.Refused(peer, message.senderDeviceId(), OmemoFailure.NOT_FOR_THIS_DEVICE,
                        "sent by this device");
            }
            Optional<OmemoDeviceTrust> pinned = pinned(omemo, sender);
            OmemoSessionCipher sessions = new OmemoSessionCipher(keys, omemo.sessions(),
                    (address, key) -> OmemoDeviceTrust.allows(pinned, key, false), random);
            OmemoDecryption result = new OmemoMessageCipher(sessions, keys.deviceId(), random)
                    .decrypt(sender, message);
            if (result instanceof OmemoDecryption.Failed failed) {
                return new OmemoReceipt.Refused(peer, sender.deviceId(), failed.reason(), "");
            }
            KeyDecryption.Decrypted key = result instanceof OmemoDecryption.Message m ? m.key()
                    : ((OmemoDecryption.KeyTransport) result).key();
            // A session that survives an identity check on a later message must still carry the pinned key.
            if (!OmemoDeviceTrust.allows(pinned, key.senderIdentity(), false)) {
                throw new RefusedIdentity(peer, sender.deviceId());
            }
            OmemoDeviceTrust trust = pinned.orElseGet(() -> OmemoDeviceTrust.firstSight(key.senderIdentity(),
                    others(omemo, sender)));
            if (pinned.isEmpty()) {
                omemo.identities().storeTrustRecord(sender, trust.encode());
            }
            boolean republish = key.consumedPreKeyId().isPresent() && keys.refill() > 0;
            if (result instanceof OmemoDecryption.Message m) {
                return new OmemoReceipt.Delivered(delivered(stanza, peer, sender.deviceId(), m.plaintext(),
                        trust.level()), key.senderIdentity(), trust.level(), republish);
            }
            return new OmemoReceipt.KeyTransport(peer, sender.deviceId(), republish);
        });
    }

    /** Thrown inside the transaction so that nothing the decryption did is kept. */
    private static final class RefusedIdentity extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient BareJid peer;
        final long deviceId;

        RefusedIdentity(BareJid peer, long deviceId) {
            super("identity key differs from the pinned one", null, false, false);
            this.peer = peer;
            this.deviceId = deviceId;
        }
    }

    static Optional<OmemoDeviceTrust> pinned(OmemoStores omemo, SessionAddress device) {
        Optional<byte[]> record = omemo.identities().trustRecord(device);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OmemoDeviceTrust.decode(record.get()));
        } catch (OmemoException e) {
            throw new IllegalStateException("stored OMEMO trust record of " + device + " is damaged", e);
        }
    }

    static List<OmemoDeviceTrust> others(OmemoStores omemo, SessionAddress device) {
        List<OmemoDeviceTrust> out = new ArrayList<>();
        for (SessionAddress a : omemo.identities().trustedDevices(device.peer())) {
            if (!a.equals(device)) {
                pinned(omemo, a).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The stanza as the sender wrote it: routing kept, the OMEMO element and fallback body replaced by the text. */
    private DecryptedStanza delivered(Message outer, BareJid peer, long deviceId, byte[] plaintext,
            OmemoTrustLevel level) {
        MessageBuilder builder = StanzaBuilder.buildMessage(outer.getStanzaId())
                .from(outer.getFrom()).to(outer.getTo()).ofType(outer.getType())
                .setBody(new String(plaintext, StandardCharsets.UTF_8));
        if (outer.getThread() != null) {
            builder.setThread(outer.getThread());
        }
        TrustLevel shown = switch (level) {
            case VERIFIED -> TrustLevel.VERIFIED;
            case DISTRUSTED -> TrustLevel.DISTRUSTED;
            case BLIND, AWAITING_APPROVAL -> TrustLevel.UNVERIFIED;
        };
        return new DecryptedStanza(builder.build(), peer, deviceId, Optional.empty(), shown, false,
                level.maySendTo(), Optional.empty(), SessionOrigin.OMEMO, clock.instant(), Optional.empty());
    }
}
