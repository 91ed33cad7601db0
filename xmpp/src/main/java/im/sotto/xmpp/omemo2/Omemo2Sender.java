package im.sotto.xmpp.omemo2;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoStores;
import im.sotto.protocol.omemo2.Omemo2Bundle;
import im.sotto.protocol.omemo2.Omemo2DeviceTrust;
import im.sotto.protocol.omemo2.Omemo2LocalKeys;
import im.sotto.protocol.omemo2.Omemo2Payload;
import im.sotto.protocol.omemo2.Omemo2SessionCipher;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.element.ExplicitEncryption;
import im.sotto.xmpp.element.ProcessingHint;
import im.sotto.xmpp.omemo.OmemoSendChoice;
import im.sotto.xmpp.omemo.OmemoSendException;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Encrypts a chat message with OMEMO 2 for every OMEMO 2 device of the contact and every other OMEMO 2 device of our
 * own account that may be sent to: the body goes into an SCE envelope (padding, time, sender, recipient), the
 * envelope is encrypted once, its key sent through each device's session (built from the bundle when missing,
 * signature verified, identity checked against the pinned one), all in one store transaction.
 */
public final class Omemo2Sender {
    private final AccountStore store;
    private final Omemo2Pep pep;
    private final SecureRandom random;
    private final Clock clock;
    private final OmemoSendChoice.NotApproved notApproved;

    public Omemo2Sender(AccountStore store, Omemo2Pep pep, SecureRandom random, Clock clock,
            OmemoSendChoice.NotApproved notApproved) {
        this.store = store;
        this.pep = pep;
        this.random = random;
        this.clock = clock;
        this.notApproved = notApproved;
    }

    /** The OMEMO 2 devices {@code owner} lists now (network). */
    public List<Integer> devices(BareJid owner) throws PepException, InterruptedException {
        return pep.fetchDeviceListOrEmpty(owner).ids();
    }

    /**
     * The encrypted stanza to send in place of {@code message} (same id, type and recipient), and the OMEMO 2 devices
     * listed for the contact and our own account (whether or not they could be used): the devices OMEMO 0.3 need not
     * reach.
     */
    public record Encrypted(Message stanza, java.util.Set<SessionAddress> listed) {
    }

    public Encrypted encrypt(Message message, BareJid self) throws OmemoSendException, InterruptedException {
        return encrypt(message, self, device -> true, false);
    }

    /**
     * As {@link #encrypt(Message, BareJid)}, for the listed devices {@code include} accepts only; with
     * {@code verifiedOnly}, a device that may be sent to but is not {@code VERIFIED} is left out and reported as
     * awaiting approval (the OMEMO-only devices of a Sotto contact: docs/protocol.md 10.13).
     */
    public Encrypted encrypt(Message message, BareJid self, java.util.function.Predicate<SessionAddress> include,
            boolean verifiedOnly) throws OmemoSendException, InterruptedException {
        if (message.getTo() == null || message.getBody() == null) {
            throw new OmemoSendException(OmemoSendException.Kind.NOT_A_CHAT_MESSAGE, "Sotto sends bodies only");
        }
        BareJid peer = message.getTo().asBareJid();
        List<SessionAddress> candidates = new ArrayList<>();
        try {
            for (int id : devices(peer)) {
                candidates.add(new SessionAddress(peer.toString(), id));
            }
            if (!peer.equals(self)) {
                for (int id : devices(self)) {
                    candidates.add(new SessionAddress(self.toString(), id));
                }
            }
        } catch (PepException e) {
            throw new OmemoSendException(OmemoSendException.Kind.PEP_FAILED, e.getMessage());
        }
        List<String> skipped = new ArrayList<>();
        List<SessionAddress> listed = List.copyOf(candidates);
        candidates.removeIf(include.negate());
        Map<SessionAddress, Omemo2Bundle> bundles = new LinkedHashMap<>();
        for (SessionAddress device : withoutSession(candidates)) {
            try {
                bundles.put(device, pep.fetchBundle(jid(device), (int) device.deviceId()));
            } catch (PepException e) {
                skipped.add(device + ": " + e.getMessage());
            }
        }
        byte[] envelope = SceEnvelope.write(message.getBody(), peer, self, clock.instant(), random);
        Omemo2Payload.Encrypted payload = Omemo2Payload.encrypt(envelope, random);
        Map<SessionAddress, String> awaiting = new LinkedHashMap<>();
        Omemo2Encrypted element = store.transact(stores -> {
            awaiting.clear();
            return encryptFor(stores.omemo2(), candidates, bundles, payload, peer, self, skipped, awaiting,
                    verifiedOnly);
        });
        // Said at every send, as OMEMO 0.3 does: each message that misses a device not approved yet is one it never
        // gets (docs/protocol.md 10.14).
        notApproved.report(awaiting, message.getStanzaId());
        if (element == null) {
            throw new OmemoSendException(OmemoSendException.Kind.NO_USABLE_DEVICE, peer + " has no OMEMO 2 device we "
                    + "may encrypt to" + (skipped.isEmpty() ? "" : " " + skipped));
        }
        return new Encrypted(StanzaBuilder.buildMessage(message.getStanzaId()).to(message.getTo())
                .ofType(message.getType())
                .setBody(Omemo2Names.FALLBACK_BODY)
                .addExtension(element)
                .addExtension(ProcessingHint.STORE)
                .addExtension(new ExplicitEncryption(Omemo2Names.NAMESPACE, Omemo2Names.EME_NAME))
                .build(), java.util.Set.copyOf(listed));
    }

    /**
     * The element, or null when no device of the contact may be sent to (sessions built and keys pinned stay); the
     * devices left out because they await approval are put in {@code awaiting}.
     */
    private Omemo2Encrypted encryptFor(OmemoStores omemo2, List<SessionAddress> candidates,
            Map<SessionAddress, Omemo2Bundle> bundles, Omemo2Payload.Encrypted payload, BareJid peer, BareJid self,
            List<String> skipped, Map<SessionAddress, String> awaiting, boolean verifiedOnly) {
        Omemo2LocalKeys keys = Omemo2LocalKeys.open(omemo2.device(), omemo2.preKeys(), random, clock);
        List<SessionAddress> recipients = new ArrayList<>();
        for (SessionAddress device : candidates) {
            if (device.deviceId() == keys.deviceId() && device.peer().equals(self.toString())) {
                continue;
            }
            Optional<Omemo2DeviceTrust> pinned = Omemo2Receiver.pinned(omemo2, device);
            Omemo2SessionCipher sessions = new Omemo2SessionCipher(keys, omemo2.sessions(),
                    (address, identity) -> Omemo2DeviceTrust.allows(pinned, identity, true), random);
            Omemo2Bundle bundle = bundles.get(device);
            if (bundle != null) {
                try {
                    sessions.buildSession(device, bundle);
                } catch (OmemoException e) {
                    skipped.add(device + ": " + e.reason());
                    continue;
                }
                if (pinned.isEmpty()) {
                    Omemo2DeviceTrust first = Omemo2DeviceTrust.firstSight(bundle.identityKey(),
                            Omemo2Receiver.others(omemo2, device));
                    omemo2.identities().storeTrustRecord(device, first.encode());
                    if (!first.level().maySendTo()) {
                        skipped.add(device + ": awaits approval");
                        awaiting.put(device, first.identityKey().fingerprint());
                        continue;
                    }
                }
            }
            Optional<Omemo2DeviceTrust> now = Omemo2Receiver.pinned(omemo2, device);
            boolean keyAllowed = sessions.peerIdentity(device)
                    .filter(identity -> Omemo2DeviceTrust.allows(now, identity, true)).isPresent();
            OmemoSendChoice choice = OmemoSendChoice.of(now.map(Omemo2DeviceTrust::level), keyAllowed, verifiedOnly);
            if (choice == OmemoSendChoice.ENCRYPT) {
                recipients.add(device);
            } else if (choice == OmemoSendChoice.AWAITS_APPROVAL) {
                skipped.add(device + ": awaits approval");
                awaiting.put(device, now.get().identityKey().fingerprint());
            } else if (sessions.hasSession(device)) {
                skipped.add(device + ": not trusted for sending");
            }
        }
        if (recipients.stream().noneMatch(r -> r.peer().equals(peer.toString()))) {
            return null;
        }
        Map<String, List<EncryptedKey>> byAccount = new LinkedHashMap<>();
        Omemo2SessionCipher sessions = new Omemo2SessionCipher(keys, omemo2.sessions(), (a, k) -> false, random);
        byte[] material = payload.keyMaterial();
        try {
            for (SessionAddress r : recipients) {
                byAccount.computeIfAbsent(r.peer(), p -> new ArrayList<>()).add(sessions.encrypt(r, material));
            }
        } catch (OmemoException e) {
            throw new IllegalStateException("a session checked a moment ago is missing", e);
        } finally {
            java.util.Arrays.fill(material, (byte) 0);
        }
        List<Omemo2Encrypted.Keys> keyElements = new ArrayList<>();
        byAccount.forEach((account, list) -> keyElements.add(new Omemo2Encrypted.Keys(account, list)));
        return Omemo2Encrypted.of(keys.deviceId(), keyElements, Optional.of(payload.ciphertext()));
    }

    private List<SessionAddress> withoutSession(List<SessionAddress> devices) {
        return store.transact(stores -> devices.stream()
                .filter(d -> stores.omemo2().sessions().load(d).isEmpty()).toList());
    }

    private static BareJid jid(SessionAddress address) {
        try {
            return JidCreate.bareFrom(address.peer());
        } catch (XmppStringprepException e) {
            throw new IllegalStateException("stored address is not a JID", e);
        }
    }
}
