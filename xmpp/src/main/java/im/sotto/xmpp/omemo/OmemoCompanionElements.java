package im.sotto.xmpp.omemo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import im.sotto.protocol.device.DeviceStatementException;
import im.sotto.protocol.device.OmemoSide;
import im.sotto.protocol.device.OmemoSides;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.omemo.OmemoCompanion;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.omemo2.Omemo2Encrypted;
import im.sotto.xmpp.omemo2.Omemo2Pep;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;
import im.sotto.xmpp.pep.PepNodes;
import im.sotto.xmpp.pep.PepReadAhead;
import im.sotto.xmpp.pep.PepRequests;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jxmpp.jid.BareJid;

/**
 * The OMEMO element a Sotto stanza carries beside Sotto's for a contact's OMEMO-only devices (docs/protocol.md
 * 10.13): publishes this device's OMEMO side (its OMEMO ids, signed by the account key) so that peers leave them out;
 * before a message takes the Sotto path, decides with the core ({@link OmemoCompanion}) which OMEMO devices get it,
 * encrypts for those the user verified (a Sotto contact's OMEMO-only device is never trusted blindly: a server could
 * list one of its own), and hands the element to the outgoing Sotto stanza of the same id (a message interceptor, so
 * the session layer needs no change). Worker thread, except the interceptor (the sending thread).
 */
final class OmemoCompanionElements {
    private final XMPPConnection connection;
    private final SottoAccount account;
    private final OmemoBinding omemo;
    private final OmemoSender omemo03;
    private final Consumer<SecurityEvent> events;
    private final java.time.Clock clock;
    /**
     * How long a contact found with no OMEMO-only device is not read again (a chat sends many messages; three reads
     * each would add up). As for device lists ({@code RevocationWatch}): a phone added meanwhile is reached within
     * ten minutes. Tests shorten it with {@code sotto.devices.recheckMs}, as RevocationWatch's.
     */
    static final java.time.Duration RECHECK_AFTER = java.time.Duration.ofMinutes(10);
    private final java.time.Duration recheckAfter = java.time.Duration.ofMillis(Long.getLong(
            "sotto.devices.recheckMs", RECHECK_AFTER.toMillis()));
    /** When each contact was last found with every OMEMO id claimed by its Sotto devices. Worker thread only. */
    private final Map<BareJid, java.time.Instant> allClaimedAt = new java.util.HashMap<>();
    /** Elements waiting for the Sotto stanza of their stanza id; removed when it goes out or the send ends. */
    private final Map<String, List<ExtensionElement>> waiting = new ConcurrentHashMap<>();

    OmemoCompanionElements(XMPPConnection connection, SottoAccount account, OmemoBinding omemo, OmemoSender omemo03,
            Consumer<SecurityEvent> events, java.time.Clock clock) {
        this.connection = connection;
        this.clock = clock;
        this.account = account;
        this.omemo = omemo;
        this.omemo03 = omemo03;
        this.events = events;
        connection.addMessageInterceptor(builder -> {
            List<ExtensionElement> elements = waiting.remove(builder.getStanzaId());
            if (elements != null) {
                elements.forEach(builder::addExtension);
            }
        }, message -> message.getStanzaId() != null && waiting.containsKey(message.getStanzaId())
                && message.hasExtension(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE));
    }

    /**
     * Publishes this device's OMEMO side unless the account's list already has it (login, OMEMO enabled); a failure
     * is a PublishFailed event (peers then send this account's OMEMO-only devices Sotto only: 10.13).
     */
    void publishSide() {
        try {
            publishSideOrThrow();
        } catch (PepException e) {
            events.accept(new SecurityEvent.PublishFailed(null, "OMEMO side: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void publishSideOrThrow() throws PepException, InterruptedException {
        BundlePublisher pep = new BundlePublisher(connection);
        BareJid self = connection.getUser().asBareJid();
        OmemoSides published = ownSides(pep, self, account.identity().publicKey()).orElse(OmemoSides.empty());
        long device = account.device().deviceId();
        long omemo03Id = omemo.deviceId();
        long omemo2Id = omemo.omemo2().deviceId();
        boolean current = published.sides().stream().anyMatch(s -> s.deviceId() == device
                && s.omemo03().orElse(0) == omemo03Id && s.omemo2().orElse(0) == omemo2Id);
        if (!current) {
            pep.publishOmemoSides(published.with(OmemoSide.sign(account.identity(), device, omemo03Id, omemo2Id))
                    .encode());
        }
    }

    /**
     * Prepares the OMEMO element(s) for {@code message}, about to take the Sotto path; nothing when the core says
     * Sotto only. What could not be encrypted for a decided device is reported (not approved, or not reached).
     */
    void prepare(Message message) throws InterruptedException {
        BareJid self = connection.getUser().asBareJid();
        if (message.getBody() == null || message.getStanzaId() == null || message.getTo() == null
                || message.getTo().asBareJid().equals(self)) {
            return;
        }
        BareJid peer = message.getTo().asBareJid();
        Optional<AccountPublicKey> pinned = pinnedKey(peer);
        if (pinned.isEmpty()) {
            return;   // no key to check the contact's statements against: Sotto only, as before
        }
        java.time.Instant lastClaimed = allClaimedAt.get(peer);
        if (lastClaimed != null && clock.instant().isBefore(lastClaimed.plus(recheckAfter))) {
            return;
        }
        OmemoCompanion.Decision decision;
        // The three reads below wait one after the other; sent together they cost one round trip (a one-shot send
        // pays it). The batch ends with this method: later reads of the contact (the Sotto path's) ask afresh.
        try (PepReadAhead.Batch batch = PepReadAhead.of(connection).readAhead(List.of(Omemo2Pep.deviceListRead(peer),
                OmemoPep.deviceListRead(peer), PepRequests.itemsRequest(peer, PepNodes.OMEMO_SIDES)))) {
            Set<Long> omemo2 = ids(omemo.omemo2().listedDevices(peer));
            Set<Long> omemo03Ids = ids(omemo03.devices(peer));
            Optional<OmemoSides> sides = sides(new BundlePublisher(connection), peer);
            if (OmemoCompanion.allClaimed(sides, pinned.get(), omemo2, omemo03Ids)) {
                allClaimedAt.put(peer, clock.instant());
                return;   // a Sotto contact whose OMEMO ids are all its Sotto devices': three reads, nothing more
            }
            allClaimedAt.remove(peer);
            decision = OmemoCompanion.decide(new OmemoCompanion.Account(sottoDevices(peer), sides, pinned.get(),
                    omemo2, omemo03Ids), published(self, account.identity().publicKey()));
        } catch (PepException e) {
            return;   // lists unreadable now: Sotto only, as before this feature
        }
        if (!(decision instanceof OmemoCompanion.WithOmemo with)) {
            return;
        }
        List<ExtensionElement> elements = new ArrayList<>();
        if (!with.contactOmemo2().isEmpty()) {
            Set<SessionAddress> to = addresses(peer, with.contactOmemo2(), self, with.ownOmemo2());
            try {
                elements.add(omemo.omemo2().encryptVerified(message, to::contains).stanza()
                        .getExtension(Omemo2Encrypted.class));
            } catch (OmemoSendException e) {
                notReached(peer, with.contactOmemo2(), true);
            }
        }
        if (!with.contactOmemo03().isEmpty()) {
            Set<SessionAddress> to = addresses(peer, with.contactOmemo03(), self, with.ownOmemo03());
            try {
                elements.add(omemo03.encrypt(message, self, to::contains, true).getExtension(AxolotlEncrypted.class));
            } catch (OmemoSendException e) {
                notReached(peer, with.contactOmemo03(), false);
            }
        }
        if (!elements.isEmpty()) {
            waiting.put(message.getStanzaId(), elements);
        }
    }

    /** The Sotto send of {@code stanzaId} ended (sent, or held and reported): an element not attached is dropped. */
    void ended(String stanzaId) {
        if (stanzaId != null) {
            waiting.remove(stanzaId);
        }
    }

    /**
     * A contact device that got no key although decided: reported as not reached, unless it awaits the user's
     * approval (already reported as {@code OmemoDevicesNotApproved} by the sender).
     */
    private void notReached(BareJid peer, Set<Long> devices, boolean omemo2) {
        Set<Long> awaiting = new HashSet<>();
        if (omemo2) {
            omemo.omemo2().devices(peer).stream().filter(d -> d.level() != OmemoTrustLevel.VERIFIED)
                    .forEach(d -> awaiting.add(d.deviceId()));
        } else {
            omemo.devices(peer).stream().filter(d -> d.level() != OmemoTrustLevel.VERIFIED)
                    .forEach(d -> awaiting.add(d.deviceId()));
        }
        devices.stream().filter(d -> !awaiting.contains(d)).sorted().forEach(d -> events.accept(
                new SecurityEvent.DeviceNotReached(peer, d, im.sotto.xmpp.NotReachedReason.NO_USABLE_BUNDLE)));
    }

    private OmemoCompanion.Account published(BareJid owner, AccountPublicKey key)
            throws PepException, InterruptedException {
        return new OmemoCompanion.Account(sottoDevices(owner), sides(new BundlePublisher(connection), owner), key,
                ids(omemo.omemo2().listedDevices(owner)), ids(omemo03.devices(owner)));
    }

    private Set<Long> sottoDevices(BareJid owner) throws PepException, InterruptedException {
        Set<Long> sotto = new HashSet<>();
        for (DeviceId d : new BundlePublisher(connection).fetchDeviceList(owner)) {
            sotto.add((long) d.value());
        }
        return sotto;
    }

    /** The sides {@code owner} published, unverified (the core checks them); empty when none or unparseable. */
    private static Optional<OmemoSides> sides(BundlePublisher pep, BareJid owner) throws InterruptedException {
        try {
            Optional<byte[]> bytes = pep.fetchOmemoSides(owner);
            return bytes.isEmpty() ? Optional.empty() : Optional.of(OmemoSides.parse(bytes.get()));
        } catch (PepException | DeviceStatementException e) {
            return Optional.empty();   // as a contact that publishes none: its OMEMO-only devices get Sotto only
        }
    }

    private static Set<Long> ids(List<Integer> ids) {
        Set<Long> out = new HashSet<>();
        ids.forEach(id -> out.add((long) id));
        return out;
    }

    private static Optional<OmemoSides> ownSides(BundlePublisher pep, BareJid owner, AccountPublicKey key)
            throws PepException, InterruptedException {
        Optional<byte[]> bytes = pep.fetchOmemoSides(owner);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            OmemoSides sides = OmemoSides.parse(bytes.get());
            sides.verified(key);
            return Optional.of(sides);
        } catch (DeviceStatementException e) {
            return Optional.empty();   // not a list this key wrote: replaced by ours
        }
    }

    private Optional<AccountPublicKey> pinnedKey(BareJid peer) {
        im.sotto.protocol.trust.BareJid core;
        try {
            core = im.sotto.protocol.trust.BareJid.parse(peer.toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!core.toString().equals(peer.toString())) {
            return Optional.empty();
        }
        return account.store().transact(stores -> TrustRecords.load(stores, core, clock)
                .map(ContactTrust::pinnedKey));
    }

    private static Set<SessionAddress> addresses(BareJid peer, Set<Long> theirs, BareJid self, Set<Long> ours) {
        Set<SessionAddress> out = new HashSet<>();
        theirs.forEach(id -> out.add(new SessionAddress(peer.toString(), id)));
        ours.forEach(id -> out.add(new SessionAddress(self.toString(), id)));
        return out;
    }
}
