package im.sotto.xmpp.omemo;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoDeviceTrust;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.protocol.omemo.OmemoMessageCipher;
import im.sotto.protocol.omemo.OmemoPreKeys;
import im.sotto.protocol.omemo.OmemoSessionCipher;
import im.sotto.protocol.omemo.OmemoStores;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.element.ExplicitEncryption;
import im.sotto.xmpp.element.ProcessingHint;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.BareJid;

/**
 * Encrypts a chat message with OMEMO 0.3 for every OMEMO device of the contact and every other OMEMO device of our
 * own account that may be sent to: fetches the device lists, builds sessions from the bundles of devices without
 * one (signature verified, identity key checked against the pinned one), then encrypts in one store transaction.
 * The outer stanza carries the {@code <encrypted>} element, a fallback body that says only that the message is
 * encrypted, the {@code <store/>} hint and the EME element.
 */
public final class OmemoSender {
    private final AccountStore store;
    private final OmemoPep pep;
    private final SecureRandom random;
    private final Clock clock;
    private final OmemoSendChoice.NotApproved notApproved;

    public OmemoSender(AccountStore store, OmemoPep pep, SecureRandom random, Clock clock,
            OmemoSendChoice.NotApproved notApproved) {
        this.store = store;
        this.pep = pep;
        this.random = random;
        this.clock = clock;
        this.notApproved = notApproved;
    }

    /** The OMEMO devices of {@code owner} as listed now (network). */
    public List<Integer> devices(BareJid owner) throws PepException, InterruptedException {
        return pep.fetchDeviceListOrEmpty(owner).devices();
    }

    /**
     * The encrypted stanza to send in place of {@code message} (same id, type and recipient).
     *
     * @param self our own bare JID, whose other OMEMO devices get a copy
     */
    public Message encrypt(Message message, BareJid self) throws OmemoSendException, InterruptedException {
        return encrypt(message, self, device -> true);
    }

    /**
     * As {@link #encrypt(Message, BareJid)}, for the listed devices {@code include} accepts only (OMEMO 2 reaches the
     * others: docs/protocol.md 10.16).
     */
    public Message encrypt(Message message, BareJid self, java.util.function.Predicate<SessionAddress> include)
            throws OmemoSendException, InterruptedException {
        return encrypt(message, self, include, false);
    }

    /**
     * As {@link #encrypt(Message, BareJid, java.util.function.Predicate)}; with {@code verifiedOnly}, a device that
     * may be sent to but is not {@code VERIFIED} is left out and reported as awaiting approval (the OMEMO-only devices
     * of a Sotto contact: docs/protocol.md 10.13).
     */
    public Message encrypt(Message message, BareJid self, java.util.function.Predicate<SessionAddress> include,
            boolean verifiedOnly) throws OmemoSendException, InterruptedException {
        if (message.getTo() == null || message.getBody() == null) {
            throw new OmemoSendException(OmemoSendException.Kind.NOT_A_CHAT_MESSAGE, "OMEMO 0.3 carries bodies only");
        }
        BareJid peer = message.getTo().asBareJid();
        List<SessionAddress> candidates = new ArrayList<>();
        try {
            for (int id : pep.fetchDeviceListOrEmpty(peer).devices()) {
                candidates.add(new SessionAddress(peer.toString(), id));
            }
            if (!peer.equals(self)) {
                for (int id : pep.fetchDeviceListOrEmpty(self).devices()) {
                    candidates.add(new SessionAddress(self.toString(), id));
                }
            }
        } catch (PepException e) {
            throw new OmemoSendException(OmemoSendException.Kind.PEP_FAILED, e.getMessage());
        }
        Map<SessionAddress, OmemoBundle> bundles = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        candidates.removeIf(include.negate());
        for (SessionAddress device : withoutSession(candidates)) {
            try {
                bundles.put(device, pep.fetchBundle(BareJidOf.of(device), (int) device.deviceId()));
            } catch (PepException e) {
                skipped.add(device + ": " + e.getMessage());
            }
        }
        Map<SessionAddress, String> awaiting = new LinkedHashMap<>();
        OmemoMessage encrypted = store.transact(stores -> {
            awaiting.clear();
            OmemoStores omemo = stores.omemo();
            OmemoPreKeys keys = OmemoPreKeys.open(omemo.device(), omemo.preKeys(), random, clock);
            List<SessionAddress> recipients = new ArrayList<>();
            for (SessionAddress device : candidates) {
                if (device.deviceId() == keys.deviceId() && device.peer().equals(self.toString())) {
                    continue;
                }
                Optional<OmemoDeviceTrust> pinned = OmemoReceiver.pinned(omemo, device);
                OmemoSessionCipher sessions = new OmemoSessionCipher(keys, omemo.sessions(),
                        (address, key) -> OmemoDeviceTrust.allows(pinned, key, true), random);
                OmemoBundle bundle = bundles.get(device);
                if (bundle != null) {
                    try {
                        sessions.buildSession(device, bundle);
                    } catch (OmemoException e) {
                        skipped.add(device + ": " + e.reason());
                        continue;
                    }
                    if (pinned.isEmpty()) {
                        OmemoDeviceTrust first = OmemoDeviceTrust.firstSight(bundle.identityKey(),
                                OmemoReceiver.others(omemo, device));
                        omemo.identities().storeTrustRecord(device, first.encode());
                        if (!first.level().maySendTo()) {
                            skipped.add(device + ": awaits approval");
                            awaiting.put(device, first.identityKey().fingerprint());
                            continue;
                        }
                    }
                }
                if (!sessions.hasSession(device)) {
                    continue;
                }
                Optional<OmemoDeviceTrust> now = OmemoReceiver.pinned(omemo, device);
                boolean keyAllowed = sessions.peerIdentity(device)
                        .filter(key -> OmemoDeviceTrust.allows(now, key, true)).isPresent();
                switch (OmemoSendChoice.of(now.map(OmemoDeviceTrust::level), keyAllowed, verifiedOnly)) {
                    case ENCRYPT -> recipients.add(device);
                    case AWAITS_APPROVAL -> {
                        skipped.add(device + ": awaits approval");
                        awaiting.put(device, now.get().identityKey().fingerprint());
                    }
                    case NOT_TRUSTED -> skipped.add(device + ": not trusted for sending");
                }
            }
            if (recipients.stream().noneMatch(r -> r.peer().equals(peer.toString()))) {
                return null;
            }
            try {
                return new OmemoMessageCipher(new OmemoSessionCipher(keys, omemo.sessions(), (a, k) -> false, random),
                        keys.deviceId(), random).encrypt(message.getBody().getBytes(StandardCharsets.UTF_8),
                        recipients);
            } catch (OmemoException e) {
                throw new IllegalStateException("a session checked a moment ago is missing", e);
            }
        });
        // Said at every send: each message that misses a device the user has not approved yet is one it never gets.
        notApproved.report(awaiting, message.getStanzaId());
        if (encrypted == null) {
            throw new OmemoSendException(OmemoSendException.Kind.NO_USABLE_DEVICE, peer + " has no OMEMO device we "
                    + "may encrypt to" + (skipped.isEmpty() ? "" : " " + skipped));
        }
        return StanzaBuilder.buildMessage(message.getStanzaId()).to(message.getTo()).ofType(message.getType())
                .setBody(Axolotl.FALLBACK_BODY)
                .addExtension(AxolotlEncrypted.of(encrypted))
                .addExtension(ProcessingHint.STORE)
                .addExtension(new ExplicitEncryption(Axolotl.NAMESPACE, Axolotl.EME_NAME))
                .build();
    }

    private List<SessionAddress> withoutSession(List<SessionAddress> devices) {
        return store.transact(stores -> {
            List<SessionAddress> out = new ArrayList<>();
            for (SessionAddress d : devices) {
                if (stores.omemo().sessions().load(d).isEmpty()) {
                    out.add(d);
                }
            }
            return out;
        });
    }

    /** The bare JID of a session address's account. */
    private static final class BareJidOf {
        static BareJid of(SessionAddress address) {
            try {
                return org.jxmpp.jid.impl.JidCreate.bareFrom(address.peer());
            } catch (org.jxmpp.stringprep.XmppStringprepException e) {
                throw new IllegalStateException("stored address is not a JID", e);
            }
        }
    }
}
