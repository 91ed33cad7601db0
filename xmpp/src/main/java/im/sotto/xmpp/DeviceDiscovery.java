package im.sotto.xmpp;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import im.sotto.protocol.device.PeerDevices;
import im.sotto.protocol.device.UnmetDevices;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;

/**
 * Devices an account linked after our sessions with it were made (docs/protocol.md 7.9, "Devices linked later"):
 * before the first stanza to an account after each login ({@link RevocationWatch}, off the worker) its device list
 * is read and the bundles of the devices this device has no session with are fetched ({@link UnmetDevices} decides
 * which); the next message to that account (content or a receipt) also carries an offline first message for each of them
 * ({@link FirstMessageElements}: a bundle must be signed by the pinned account key, and a verified contact's new
 * device waits for approval), so the new device reads it and every later one, and can answer, without writing first.
 * A device that cannot be reached is reported once ({@link SecurityEvent.DeviceNotReached}); it never gets plaintext.
 * The bundles wait on the worker thread, which alone reads and changes {@link #pending}.
 */
final class DeviceDiscovery {
    private final SottoAccount account;
    private final DeviceGate gate;
    /** Per account, the devices to start sessions with and their bundles (empty: none published). Worker only. */
    private final Map<BareJid, Map<Long, Optional<byte[]>>> pending = new HashMap<>();
    /** Devices already reported unreachable in this run. Worker only. */
    private final Map<BareJid, Set<Long>> reported = new HashMap<>();

    DeviceDiscovery(SottoAccount account, DeviceGate gate) {
        this.account = account;
        this.gate = gate;
    }

    /**
     * Off the worker: the bundles of the devices {@code peer} lists that this device has no session with (empty when
     * there are none, or the list cannot be read: then nothing changes). {@code self} is our own bare JID.
     */
    Map<Long, Optional<byte[]>> fetch(BundlePublisher pep, BareJid peer, BareJid self) throws InterruptedException {
        List<DeviceId> listed;
        try {
            listed = pep.fetchDeviceList(peer);
        } catch (PepException e) {
            return Map.of();   // no list (or withheld): the sessions we have are all we know of
        }
        Set<Long> met = new HashSet<>();
        PeerDevices devices = account.store().transact(stores -> {
            met.clear();
            stores.sessions().devices(peer.toString()).forEach(a -> met.add(a.deviceId()));
            return DeviceGate.load(stores, peer);
        });
        long local = peer.equals(self) ? account.device().deviceId() : 0;
        List<Long> start = UnmetDevices.toStart(listed.stream().map(d -> (long) d.value()).toList(), met, local,
                devices, account.eligibility(), account.clock().instant());
        Map<Long, Optional<byte[]>> bundles = new TreeMap<>();
        for (long device : start) {
            try {
                bundles.put(device, Optional.of(pep.fetchBundle(peer, DeviceId.of((int) device))));
            } catch (PepException e) {
                bundles.put(device, Optional.empty());
            }
        }
        return bundles;
    }

    /** On the worker: the bundles {@link #fetch} found wait for the next message to {@code peer}. */
    void offer(BareJid peer, Map<Long, Optional<byte[]>> bundles) {
        if (!bundles.isEmpty()) {
            pending.put(peer, new TreeMap<>(bundles));
        }
    }

    /**
     * In the transaction that encrypts {@code inner} for {@code peer}'s sessions: first messages for the waiting
     * devices that still have no session. Any message starts them, a receipt too: a contact's receipts go to our
     * bare JID, so each of our devices gets them, and one without a session would report them {@code NO_SESSION}.
     * A presence or an iq starts nothing (an iq goes to one device).
     */
    FirstMessageElements.Made start(Stores stores, BareJid peer, Stanza inner, byte[] envelope, byte[] ad,
            List<SecurityEvent> notices) {
        Map<Long, Optional<byte[]>> waiting = pending.get(peer);
        if (waiting == null || !(inner instanceof Message)) {
            return FirstMessageElements.Made.none();
        }
        Map<Long, byte[]> bundles = new TreeMap<>();
        Map<Long, FirstMessageElements.Skip> missing = new HashMap<>();
        for (Map.Entry<Long, Optional<byte[]>> entry : waiting.entrySet()) {
            if (stores.sessions().load(new SessionAddress(peer.toString(), entry.getKey())).isPresent()) {
                continue;   // met meanwhile (it wrote to us, or a setup of ours): its session carries the message
            }
            if (entry.getValue().isPresent()) {
                bundles.put(entry.getKey(), entry.getValue().get());
            } else {
                missing.put(entry.getKey(), FirstMessageElements.Skip.UNUSABLE);
            }
        }
        FirstMessageElements.Made made = FirstMessageElements.make(account, gate, stores, peer, bundles, envelope, ad,
                SessionCrypto.idOf(inner), ResentMark.carrier(inner), notices);
        if (missing.isEmpty()) {
            return made;
        }
        Map<Long, FirstMessageElements.Skip> skips = new HashMap<>(made.skips());
        skips.putAll(missing);
        return new FirstMessageElements.Made(made.elements(), made.devices(), made.sequences(), skips,
                made.skipped());
    }

    /** After that transaction committed: the devices started or skipped wait no more; each skip is told once. */
    void done(BareJid peer, FirstMessageElements.Made made, Consumer<SecurityEvent> events) {
        Map<Long, Optional<byte[]>> waiting = pending.get(peer);
        if (waiting == null) {
            return;
        }
        made.devices().forEach(waiting::remove);
        for (Map.Entry<Long, FirstMessageElements.Skip> skip : made.skips().entrySet()) {
            waiting.remove(skip.getKey());
            Optional<NotReachedReason> reason = reason(skip.getValue());
            if (reason.isPresent() && reported.computeIfAbsent(peer, p -> new HashSet<>()).add(skip.getKey())) {
                events.accept(new SecurityEvent.DeviceNotReached(peer, skip.getKey(), reason.get()));
            }
        }
        if (waiting.isEmpty()) {
            pending.remove(peer);
        }
    }

    /** What the user is told; a revoked or stale device was reported as such already. */
    private static Optional<NotReachedReason> reason(FirstMessageElements.Skip skip) {
        return switch (skip) {
            case INELIGIBLE -> Optional.empty();
            case NOT_APPROVED -> Optional.of(NotReachedReason.NOT_APPROVED);
            case NOT_SIGNED -> Optional.of(NotReachedReason.BUNDLE_NOT_SIGNED);
            case UNUSABLE -> Optional.of(NotReachedReason.NO_USABLE_BUNDLE);
        };
    }
}
