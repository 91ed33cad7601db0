package im.sotto.xmpp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.offline.FirstReply;
import im.sotto.protocol.offline.PendingConfirmation;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.session.Resends;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.wire.MalformedInputException;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.envelope.EnvelopeCodec;
import im.sotto.xmpp.envelope.EnvelopeException;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;

/**
 * Outgoing encryption: seals a stanza's envelope and encrypts it for the peer's device sessions, or starts offline
 * sessions with first messages. Each call is one store transaction that commits the new session states and the
 * log entry before the caller sends anything. Not thread-safe: the manager calls it from its one worker thread.
 */
final class SessionCrypto {
    private final SottoAccount account;
    private final EnvelopeCodec codec;
    private final Consumer<SecurityEvent> events;

    /** When the user sent a stanza that waited in the store's queue (by its id), if it waited across a restart. */
    java.util.function.LongFunction<Optional<java.time.Instant>> queuedAt = id -> Optional.empty();
    /** Learn each message encrypted, with its number in each device's session (after the transaction commits). */
    final List<Consumer<SealedMessage>> sealedWatchers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private java.time.Instant sentAt(long durableId) {
        return (durableId == 0 ? Optional.<java.time.Instant>empty() : queuedAt.apply(durableId))
                .orElseGet(() -> account.clock().instant());
    }

    /** Revoked and stale devices get nothing (docs/protocol.md 7.7). */
    final DeviceGate gate;

    /** What replaced sessions never had acknowledged, sent again under the new ones (docs/protocol.md 7.3). */
    final OwedResends owed;

    /** Devices a peer linked after our sessions with it were made get first messages (docs/protocol.md 7.9). */
    final DeviceDiscovery discovery;

    SessionCrypto(SottoAccount account, EnvelopeCodec codec, Consumer<SecurityEvent> events) {
        this.gate = new DeviceGate(account);
        this.discovery = new DeviceDiscovery(account, gate);
        this.account = account;
        this.codec = codec;
        this.events = events;
        this.owed = new OwedResends(account, codec, this);
    }

    /** A session with one of the peer's devices that can send now. */
    boolean canSend(BareJid peer) {
        return account.store().transact(stores -> canSend(stores, peer));
    }

    /**
     * {@link #canSend(BareJid)} in the caller's transaction; only sessions with devices trust allows count, and only
     * once their device confirmed them ({@link SessionRecord#carriesContent}).
     */
    boolean canSend(Stores stores, BareJid peer) {
        Optional<ContactTrust> trust = TrustRecords.load(stores, CoreJid.of(peer), account.clock());
        for (SessionAddress address : stores.sessions().devices(peer.toString())) {
            SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
            if (!TrustRecords.maySendToSession(trust, address.deviceId(), record.peerCertificate().isPresent(),
                    account.clock()) || !gate.eligible(stores, peer, address.deviceId())) {
                continue;
            }
            RatchetSession session = record.ratchetSession(account.random(), account.clock());
            if (session.canEncrypt() && record.carriesContent(session)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The outer stanza carrying {@code inner} encrypted for every session with the peer's devices that can send
     * (for an iq, only {@code preferredDevice} or else the first), or empty when there is none. When it is
     * encrypted, the stanza leaves the store's outbound queue ({@code durableId}, 0 if it was not there) in the
     * same transaction.
     */
    Optional<Stanza> encryptForSessions(Stanza inner, EntityFullJid self, Optional<Long> preferredDevice,
            long durableId) throws EnvelopeException {
        return encryptForSessions(inner, self, preferredDevice, durableId, Optional.empty(), false).map(Sealed::outer);
    }

    /**
     * An encrypted outer stanza, the id of its copy kept until the server acknowledged it (0: none kept), and the
     * peer devices whose sessions carry it.
     */
    record Sealed(Stanza outer, long keptId, java.util.Set<Long> devices) {
    }

    /**
     * As above; {@code alongside} (the handshake's last step) travels in the same message, and when {@code keep} the
     * outer stanza is kept in the same transaction until the server acknowledges it ({@link UnconfirmedOutbox}).
     */
    Optional<Sealed> encryptForSessions(Stanza inner, EntityFullJid self, Optional<Long> preferredDevice,
            long durableId, Optional<SottoEncrypted> alongside, boolean keep) throws EnvelopeException {
        return encryptForSessions(inner, self, preferredDevice, durableId, alongside, keep, false);
    }

    /**
     * A new stanza in the common case, sealed in the one transaction that also decides it may go now: empty, having
     * changed nothing, when a trust decision holds stanzas to the peer (for {@code target}, a device) or no session
     * with its devices can carry content; the caller then takes the path that queues it (issue #17: one store
     * transaction per send).
     */
    Optional<Sealed> encryptIfClear(Stanza inner, EntityFullJid self, Optional<Long> target, boolean keep)
            throws EnvelopeException {
        return encryptForSessions(inner, self, target, 0, Optional.empty(), keep, true);
    }

    private Optional<Sealed> encryptForSessions(Stanza inner, EntityFullJid self, Optional<Long> preferredDevice,
            long durableId, Optional<SottoEncrypted> alongside, boolean keep, boolean onlyIfClear)
            throws EnvelopeException {
        byte[] envelope = codec.seal(inner, sentAt(durableId));
        BareJid peer = inner.getTo().asBareJid();
        byte[] ad = Wire.associatedData(self, peer, Wire.kindAndType(inner));
        List<Long> substituted = new ArrayList<>();
        Map<Long, Long> sequences = new java.util.HashMap<>();
        List<SecurityEvent> notices = new ArrayList<>();
        java.util.OptionalInt carrier = ResentMark.carrier(inner);
        FirstMessageElements.Made[] started = {FirstMessageElements.Made.none()};
        Optional<Sealed> sealed = account.store().transact(stores -> {
            substituted.clear();
            sequences.clear();
            notices.clear();
            started[0] = FirstMessageElements.Made.none();
            if (onlyIfClear && (TrustRecords.hold(stores, CoreJid.of(peer), preferredDevice, account.clock())
                    .isPresent() || !canSend(stores, peer))) {
                return Optional.<Sealed>empty();
            }
            List<SottoEncrypted> out = new ArrayList<>();
            java.util.Set<Long> devices = new java.util.HashSet<>();
            Optional<ContactTrust> trust = TrustRecords.load(stores, CoreJid.of(peer), account.clock());
            List<SessionAddress> addresses = new ArrayList<>(stores.sessions().devices(peer.toString()));
            if (inner instanceof IQ && preferredDevice.isPresent()) {
                addresses.sort((a, b) -> Boolean.compare(b.deviceId() == preferredDevice.get(),
                        a.deviceId() == preferredDevice.get()));
            }
            for (SessionAddress address : addresses) {
                SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
                if (unsignedByPinnedAccount(trust, record)) {
                    stores.sessions().delete(address);
                    substituted.add(address.deviceId());
                    continue;
                }
                if (!TrustRecords.maySendToSession(trust, address.deviceId(), record.peerCertificate().isPresent(),
                        account.clock())) {
                    continue;   // never to a device awaiting approval, of a distrusted contact, or under another key
                }
                if (!gate.maySend(stores, peer, address.deviceId(), notices)) {
                    continue;   // revoked, or stale until it is heard from again
                }
                RatchetSession session = record.ratchetSession(account.random(), account.clock());
                if (!session.canEncrypt() || !record.carriesContent(session)) {
                    continue;   // no content under a session its device has not confirmed (protocol.md 7.3)
                }
                long sequence = session.sentCount();
                sequences.put(address.deviceId(), sequence);
                long logged = stores.messageLog().append(new LogEntry(LogEntry.Direction.SENT, address, idOf(inner),
                        account.clock().instant(), envelope));
                out.add(new SottoEncrypted(SottoEncrypted.Kind.RATCHET, encrypt(stores, address,
                        remembered(record, session, sequence, logged, carrier), session, envelope, ad)));
                devices.add(address.deviceId());
                if (inner instanceof IQ) {
                    break;
                }
            }
            if (out.isEmpty()) {
                return Optional.<Sealed>empty();
            }
            started[0] = discovery.start(stores, peer, inner, envelope, ad, notices);
            out.addAll(started[0].elements());
            devices.addAll(started[0].devices());
            sequences.putAll(started[0].sequences());
            ownCopies(stores, self.asBareJid(), inner, envelope, ad, out);
            SendQueue.remove(stores, peer, durableId);
            Stanza outer = Wire.outer(inner, out);
            if (alongside.isPresent()) {
                outer = Wire.withElement((org.jivesoftware.smack.packet.Message) outer, alongside.get());
            }
            return Optional.of(new Sealed(outer, keep ? UnconfirmedOutbox.keep(stores, peer, outer) : 0, devices));
        });
        substituted.forEach(device -> events.accept(new SecurityEvent.BundleSubstituted(peer, device)));
        notices.forEach(events);
        if (sealed.isPresent()) {
            started[0].devices().forEach(device -> events.accept(new SecurityEvent.SessionEstablished(peer, device,
                    SessionOrigin.OFFLINE_FIRST_MESSAGE, Optional.empty())));
            discovery.done(peer, started[0], events);
            sealed(inner, peer, sequences);
        }
        return sealed;
    }

    /**
     * True for a session started from a bundle before the peer's account key was known, now that it is known (the
     * peer proved it through another device or a handshake) and did not sign that bundle's prekey.
     */
    private static boolean unsignedByPinnedAccount(Optional<ContactTrust> trust, SessionRecord record) {
        if (record.pendingConfirmation().isEmpty() || record.peerCertificate().isPresent() || trust.isEmpty()) {
            return false;
        }
        try {
            return !PendingConfirmation.decode(record.pendingConfirmation().get()).signedBy(trust.get().pinnedKey());
        } catch (MalformedInputException e) {
            throw new IllegalStateException("a stored pending confirmation cannot be read", e);
        }
    }

    /**
     * {@code record} remembering content message {@code sequence} (log entry {@code logged}) for sending again should
     * a newer session replace this one before the peer acknowledged it ({@link Resends}); unchanged for what is
     * never sent again (no carrier).
     */
    static SessionRecord remembered(SessionRecord record, RatchetSession session, long sequence, long logged,
            java.util.OptionalInt carrier) {
        if (carrier.isEmpty()) {
            return record;
        }
        return record.withResends(record.resends().afterSending(sequence, logged, carrier.getAsInt(),
                session.acknowledgedByPeer()));
    }


    /**
     * One element per session with another device of ours ({@link OwnDevices}) for a message to a contact: the same
     * envelope and associated data as the contact's elements (our full JID, the contact's account), so the copy our
     * other device reads from the carbon or the archive checks exactly as the contact's does.
     */
    private void ownCopies(Stores stores, BareJid self, Stanza inner, byte[] envelope, byte[] ad,
            List<SottoEncrypted> out) {
        if (!OwnDevices.copied(inner, self)) {
            return;
        }
        for (SessionAddress address : stores.sessions().devices(self.toString())) {
            SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
            RatchetSession session = record.ratchetSession(account.random(), account.clock());
            if (address.deviceId() == account.device().deviceId() || !OwnDevices.mayCopyTo(record, account)
                    || !gate.eligible(stores, self, address.deviceId())
                    || !session.canEncrypt() || !record.carriesContent(session)) {
                continue;
            }
            out.add(new SottoEncrypted(SottoEncrypted.Kind.RATCHET, encrypt(stores, address, record, session,
                    envelope, ad)));
            stores.messageLog().append(new LogEntry(LogEntry.Direction.SENT, address, idOf(inner),
                    account.clock().instant(), envelope));
        }
    }

    /**
     * An empty ratchet message for one device: it lets a new responder send (the initiator always sends first).
     * {@code self} is this connection's full JID, bound into the associated data: send it on this connection.
     */
    SottoEncrypted heartbeat(EntityFullJid self, BareJid peer, long deviceId) {
        SessionAddress address = new SessionAddress(peer.toString(), deviceId);
        byte[] ad = Wire.associatedData(self, peer, Wire.SETUP_CARRIER);
        return account.store().transact(stores -> {
            SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
            return new SottoEncrypted(SottoEncrypted.Kind.RATCHET,
                    encrypt(stores, address, record, record.ratchetSession(account.random(), account.clock()), new byte[0], ad));
        });
    }

    /** Encrypts for one device's session and stores its new state, in the caller's transaction. */
    byte[] encrypt(Stores stores, SessionAddress address, SessionRecord record, RatchetSession session,
            byte[] plaintext, byte[] ad) {
        byte[] payload;
        SessionRecord updated;
        if (record.owedReplyTranscript().isPresent()) {
            DeviceCertificate sender = record.certificate(account.certificates()).orElseThrow();
            try {
                payload = FirstReply.seal(session, account.device(), sender, record.owedReplyTranscript().get(),
                        plaintext, ad);
            } catch (InvalidPublicKeyException e) {
                throw new IllegalStateException("a stored peer certificate has an invalid key", e);
            }
            updated = record.replySent(session.toRecord());
        } else {
            payload = session.encrypt(plaintext, ad);
            updated = record.withRatchet(session.toRecord());
        }
        stores.sessions().store(address, updated.encode());
        return payload;
    }

    /**
     * One offline session started per device of the peer whose bundle parsed, in one outer stanza; {@code unapproved}
     * counts the devices skipped because the contact's trust does not allow sending to them, {@code substituted} the
     * bundles refused because they are not signed by the account key pinned for the peer.
     */
    record FirstMessages(Stanza outer, long keptId, List<Long> devices, List<String> skipped, int unapproved,
            int substituted) {
    }

    /**
     * First messages carrying {@code inner} to each device in {@code bundles} (raw published bytes by device id).
     * A device whose bundle does not parse or does not verify against the pinned account key is skipped and named.
     * The stanza leaves the store's outbound queue ({@code durableId}) in the same transaction, if any was sent.
     */
    FirstMessages encryptFirstMessages(Stanza inner, EntityFullJid self, Map<Long, byte[]> bundles,
            long durableId, boolean keep) throws EnvelopeException {
        byte[] envelope = codec.seal(inner, sentAt(durableId));
        BareJid peer = inner.getTo().asBareJid();
        byte[] ad = Wire.associatedData(self, peer, Wire.kindAndType(inner));
        List<Long> devices = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int[] unapproved = {0};
        int[] substituted = {0};
        long[] keptId = {0};
        Stanza[] outer = {null};
        Map<Long, Long> sequences = new java.util.HashMap<>();
        List<SecurityEvent> notices = new ArrayList<>();
        account.store().transact(stores -> {
            notices.clear();
            FirstMessageElements.Made made = FirstMessageElements.make(account, gate, stores, peer, bundles, envelope,
                    ad, idOf(inner), ResentMark.carrier(inner), notices);
            List<SottoEncrypted> out = new ArrayList<>(made.elements());
            devices.clear();
            devices.addAll(made.devices());
            skipped.clear();
            skipped.addAll(made.skipped());
            sequences.clear();
            sequences.putAll(made.sequences());
            unapproved[0] = (int) made.count(FirstMessageElements.Skip.NOT_APPROVED);
            substituted[0] = (int) made.count(FirstMessageElements.Skip.NOT_SIGNED);
            keptId[0] = 0;
            outer[0] = null;
            if (!out.isEmpty()) {
                ownCopies(stores, self.asBareJid(), inner, envelope, ad, out);
                SendQueue.remove(stores, peer, durableId);
                outer[0] = Wire.outer(inner, out);
                if (keep) {
                    keptId[0] = UnconfirmedOutbox.keep(stores, peer, outer[0]);
                }
            }
            return null;
        });
        notices.forEach(events);
        if (outer[0] != null) {
            sealed(inner, peer, sequences);
        }
        return new FirstMessages(outer[0], keptId[0], devices, skipped, unapproved[0], substituted[0]);
    }

    /** Tells the watchers which number each device's session gave a message (not an iq or a presence). */
    private void sealed(Stanza inner, BareJid peer, Map<Long, Long> sequences) {
        if (!(inner instanceof org.jivesoftware.smack.packet.Message) || idOf(inner).equals("-") || sequences.isEmpty()) {
            return;
        }
        SealedMessage message = new SealedMessage(peer, idOf(inner), sequences);
        sealedWatchers.forEach(w -> w.accept(message));
    }

    static String idOf(Stanza stanza) {
        String id = stanza.getStanzaId();
        return id == null || id.isEmpty() ? "-" : id;
    }

    private RatchetSession load(Stores stores, SessionAddress address) {
        return SessionRecord.decode(stores.sessions().load(address).orElseThrow()).ratchetSession(account.random(), account.clock());
    }


    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant now(SottoAccount account) {
        return account.clock().instant();
    }
}
