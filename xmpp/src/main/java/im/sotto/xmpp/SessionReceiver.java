package im.sotto.xmpp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.offline.FirstMessageReceiver;
import im.sotto.protocol.offline.IncomingFirstMessage;
import im.sotto.protocol.offline.PreKeyVault;
import im.sotto.protocol.session.AccountPreKeys;
import im.sotto.protocol.session.CrossingFirstMessages;
import im.sotto.protocol.session.DeliveredOnce;
import im.sotto.protocol.session.LossReport;
import im.sotto.protocol.session.ReportedOnce;
import im.sotto.protocol.session.Resends;
import im.sotto.protocol.session.SessionAttempt;
import im.sotto.protocol.session.SessionCipher;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.PeerDecision;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.envelope.EnvelopeCodec;
import im.sotto.xmpp.envelope.EnvelopeException;
import im.sotto.xmpp.envelope.OpenedStanza;

import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;

/**
 * Incoming decryption of first messages and ratchet messages (handshake steps go to {@link OnlineHandshakes}). One
 * store transaction per element: the new session state is committed together with the decrypted stanza in the
 * message log, or nothing is. Not thread-safe: called from the manager's worker thread.
 */
final class SessionReceiver {

    private final SottoAccount account;
    private final EnvelopeCodec codec;
    private final SessionCipher cipher;

    SessionReceiver(SottoAccount account, EnvelopeCodec codec) {
        this.account = account;
        this.codec = codec;
        this.cipher = new SessionCipher(account.device(), account.random(), account.clock());
    }

    /** The outcome for one stanza's content elements. */
    sealed interface Result {
    }

    /**
     * Decrypted and logged; {@code stanza} is empty for a content-less (heartbeat) message. {@code deviceNeedsApproval}
     * when the sender proved a device of a verified contact that awaits the user's approval. {@code losses} are what
     * the ratchet's loss detection found with it (missing, late or unacknowledged messages), to report once the
     * transaction committed. {@code currentSession} when the device's current session opened it (not one it
     * replaced): the peer's device holds that session, which confirms it ({@code SessionEstablishment}'s held first content).
     */
    record Opened(Optional<DecryptedStanza> stanza, long deviceId, boolean newSession, boolean bundleUsed,
            boolean deviceNeedsApproval, List<SecurityEvent> losses, boolean replyDue, boolean currentSession)
            implements Result {
        Opened(Optional<DecryptedStanza> stanza, long deviceId, boolean newSession, boolean bundleUsed,
                boolean deviceNeedsApproval) {
            this(stanza, deviceId, newSession, bundleUsed, deviceNeedsApproval, List.of(), false, false);
        }
    }

    record Failed(UndecryptableReason reason, String detail, Optional<SecurityEvent.KeyChanged> keyChange)
            implements Result {
    }

    /** Tries every first-message element, then every ratchet element against every session with the sender. */
    Result open(Stanza outer, List<SottoEncrypted> elements) {
        BareJid peer = outer.getFrom().asBareJid();
        // The outer from as the server stamped it, resource and all: another resource fails authentication.
        byte[] ad = Wire.associatedData(outer.getFrom(), outer.getTo().asBareJid(), Wire.kindAndType(outer));
        List<UndecryptableReason> reasons = new ArrayList<>();
        List<String> details = new ArrayList<>();
        Optional<SecurityEvent.KeyChanged> keyChange = Optional.empty();
        int content = 0;
        for (SottoEncrypted element : elements) {
            if (element.kind() == SottoEncrypted.Kind.HANDSHAKE) {
                continue;
            }
            content++;
            byte[] payload = element.payload();
            Result result = element.kind() == SottoEncrypted.Kind.FIRST_MESSAGE
                    ? openFirstMessage(outer, peer, payload, ad)
                    : openRatchet(outer, peer, payload, ad);
            if (result instanceof Opened) {
                return result;
            }
            Failed failed = (Failed) result;
            reasons.add(failed.reason());
            details.add(failed.detail());
            if (failed.keyChange().isPresent()) {
                keyChange = failed.keyChange();
            }
        }
        if (content == 0) {
            return new Opened(Optional.empty(), 0, false, false, false);
        }
        return new Failed(summarise(reasons, content, peer), String.join("; ", details), keyChange);
    }

    /**
     * Whether this undecryptable stanza is reported now: not if it was reported before, in this run or an earlier one
     * that read it from the archive too (core {@code ReportedOnce}, remembered in the store).
     */
    boolean firstReport(BareJid peer, Stanza outer) {
        List<byte[]> ciphertexts = Wire.elementsOf(outer).stream().map(SottoEncrypted::payload).toList();
        return account.store().transact(s -> ReportedOnce.firstReport(s, CoreJid.of(peer), ciphertexts,
                account.clock().instant()));
    }

    /**
     * One reason for the stanza: what an attacker did outranks what merely went wrong. A stanza with several
     * ciphertexts, none of which any key of ours opens, was for the sender's sessions with our other devices when we
     * have sessions with the sender; when we have none, the sender has none with this device (a deleted first message,
     * or a device it has not met): {@code NO_SESSION}, so that this device starts one (rate-limited) and is included.
     */
    private UndecryptableReason summarise(List<UndecryptableReason> reasons, int content, BareJid peer) {
        for (UndecryptableReason strongest : List.of(UndecryptableReason.UNTRUSTED_SENDER,
                UndecryptableReason.TAMPERED, UndecryptableReason.DUPLICATE, UndecryptableReason.MALFORMED)) {
            if (reasons.contains(strongest)) {
                return strongest;
            }
        }
        boolean haveSession = account.store().transact(s -> !s.sessions().devices(peer.toString()).isEmpty());
        if (!haveSession) {
            return UndecryptableReason.NO_SESSION;
        }
        return content > 1 ? UndecryptableReason.NOT_FOR_THIS_DEVICE : UndecryptableReason.BROKEN_SESSION;
    }

    private Result openFirstMessage(Stanza outer, BareJid peer, byte[] payload, byte[] ad) {
        byte[] digest = SessionCrypto.sha256(payload);
        return account.store().transact(stores -> {
            for (SessionAddress address : stores.sessions().devices(peer.toString())) {
                SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
                if (record.startedBy(digest)) {
                    return new Failed(UndecryptableReason.DUPLICATE, "first message already accepted", Optional.empty());
                }
            }
            PreKeyVault vault = AccountPreKeys.load(stores);
            IncomingFirstMessage incoming = new FirstMessageReceiver(account.device(), account.random(),
                    account.clock()).receive(vault.copy(), payload, ad);
            if (incoming instanceof IncomingFirstMessage.Rejected rejected) {
                return new Failed(firstMessageReason(rejected.reason()), "first message: " + rejected.reason(),
                        Optional.empty());
            }
            IncomingFirstMessage.Accepted accepted = (IncomingFirstMessage.Accepted) incoming;
            if (DeviceGate.revoked(stores, peer, accepted.sender().deviceId())) {
                return revokedSender(accepted.sender().deviceId());
            }
            PeerDecision decision = TrustRecords.onCertificate(stores, CoreJid.of(peer), accepted.sender(), account.clock());
            if (decision.outcome() == PeerDecision.Outcome.ACCOUNT_KEY_CHANGED) {
                return new Failed(UndecryptableReason.UNTRUSTED_SENDER, "a first message under a changed account key",
                        Optional.of(CoreEvents.of(peer, SessionAttempt.KeyChange.of(CoreJid.of(peer), decision,
                                accepted.sender()))));
            }
            OpenedStanza opened;
            try {
                opened = codec.open(accepted.plaintext(), outer);
            } catch (EnvelopeException e) {
                return new Failed(UndecryptableReason.TAMPERED, "envelope: " + e.getMessage(), Optional.empty());
            }
            SessionAddress address = new SessionAddress(peer.toString(), accepted.sender().deviceId());
            SessionRecord record = SessionRecord.builder(im.sotto.protocol.session.SessionOrigin.OFFLINE_FIRST_MESSAGE,
                    accepted.session().toRecord()).peerCertificate(accepted.sender().encoded())
                    .owedReplyTranscript(accepted.transcriptHash()).firstMessageDigest(digest).build();
            Optional<byte[]> replaced = stores.sessions().load(address);
            // Two first messages crossing (our own to that device unanswered): both sides keep one session, the
            // one the lower device id started, and hold the other for receiving (docs/protocol.md 7.9).
            boolean crossing = CrossingFirstMessages.crossing(replaced);
            CrossingFirstMessages.Resolution resolution = CrossingFirstMessages.resolve(account.device().certificate(),
                    accepted.sender(), record, replaced, account.clock().instant());
            boolean current = resolution.outcome() == CrossingFirstMessages.Outcome.TAKE_THEIRS;
            // What we sent under a crossed session is read under it on the other side, which keeps it.
            Optional<SecurityEvent> replacedLoss = current && !crossing ? CoreEvents.of(
                    LossReport.unacknowledgedInReplaced(CoreJid.of(peer), address.deviceId(), replaced,
                            account.random(), account.clock())) : Optional.empty();
            // What we sent under a replaced session its peer never acknowledged goes out again under the new one
            // (protocol.md 7.3); not after a crossing, whose other side reads our session's messages under it.
            stores.sessions().store(address, (current && !crossing ? resolution.record().withResends(
                    Resends.owedAfterReplacing(replaced, account.random(), account.clock())) : resolution.record())
                    .encode());
            AccountPreKeys.store(stores, accepted.vault());
            DeviceGate.heard(stores, peer, address.deviceId(), account.clock().instant());
            log(stores, address, outer, accepted.plaintext());
            return new Opened(deliveredOnce(stores, peer, outer, opened) ? Optional.of(deliver(stores, opened, peer,
                    address.deviceId(), record)) : Optional.empty(),
                    address.deviceId(), current, true, needsApproval(decision), replacedLoss.stream().toList(), false,
                    current);
        });
    }

    private static UndecryptableReason firstMessageReason(IncomingFirstMessage.Reason reason) {
        switch (reason) {
            case TAMPERED:
            case CERTIFICATE_INVALID:
                return UndecryptableReason.TAMPERED;
            case MALFORMED:
            case UNSUPPORTED_VERSION:
            case UNSUPPORTED_SUITE:
                return UndecryptableReason.MALFORMED;
            case REPLAYED:
                return UndecryptableReason.DUPLICATE;
            default:
                // UNKNOWN_SIGNED_PREKEY, ONE_TIME_PREKEY_GONE: for another device, or to keys long gone.
                return UndecryptableReason.NO_SESSION;
        }
    }

    /**
     * Tries every device's current session, then, for the devices whose current session does not hold the message's
     * header key, the sessions it replaced (newest first): what the peer sent before a replacement and is still on
     * the way is delivered, not turned into a broken session. Nothing changes unless a state decrypts the message.
     */
    private Result openRatchet(Stanza outer, BareJid peer, byte[] payload, byte[] ad) {
        return cipher.openRatchet(account.store(), CoreJid.of(peer), payload, ad,
                (stores, opened) -> commit(stores, outer, peer, opened.address(), opened.state(), opened.decrypted(),
                        opened.current()),
                notOpened -> new Failed(CoreEvents.of(notOpened.failure()), notOpened.detail(),
                        notOpened.keyChange().map(change -> CoreEvents.of(peer, change))));
    }

    /**
     * In the transaction that stored the state that decrypted: checks the envelope, logs and delivers with the facts
     * of that state ({@code state}: its certificate, SAS, origin and continuity).
     */
    private Result commit(Stores stores, Stanza outer, BareJid peer, SessionAddress address, SessionRecord state,
            SessionAttempt.Decrypted decrypted, boolean current) {
        byte[] plaintext = decrypted.plaintext();
        if (DeviceGate.revoked(stores, peer, address.deviceId())) {
            return revokedSender(address.deviceId());   // the message key is spent: a replay is a duplicate
        }
        DeviceGate.heard(stores, peer, address.deviceId(), account.clock().instant());
        if (plaintext.length == 0) {
            return new Opened(Optional.empty(), address.deviceId(), false, false, decrypted.deviceNeedsApproval(),
                    CoreEvents.of(decrypted.losses()), decrypted.replyDue(), current);
        }
        OpenedStanza opened;
        try {
            opened = codec.open(plaintext, outer);
        } catch (EnvelopeException e) {
            // The message key is spent either way: keep the state, so a replay is a duplicate.
            return new Failed(UndecryptableReason.TAMPERED, "envelope: " + e.getMessage(), Optional.empty());
        }
        log(stores, address, outer, plaintext);
        return new Opened(deliveredOnce(stores, peer, outer, opened) ? Optional.of(deliver(stores, opened, peer,
                address.deviceId(), state)) : Optional.empty(), address.deviceId(),
                false, false, decrypted.deviceNeedsApproval(), CoreEvents.of(decrypted.losses()), decrypted.replyDue(),
                current);
    }

    /**
     * What a revoked device sends is not delivered (docs/protocol.md 7.7): its account said it is no longer one of its
     * devices, and whoever holds it now may not be the user.
     */
    private static Failed revokedSender(long deviceId) {
        return new Failed(UndecryptableReason.UNTRUSTED_SENDER, "device " + deviceId + " was revoked by its account",
                Optional.empty());
    }

    /**
     * Whether a decrypted message is shown: not a copy sent again under a new session whose original was shown, nor
     * an original arriving after its copy was (core {@code DeliveredOnce}, protocol.md 7.3). Only messages with an id
     * count; a copy is recognised by the mark inside its envelope, never by the clear outer id alone.
     */
    private boolean deliveredOnce(Stores stores, BareJid peer, Stanza outer, OpenedStanza opened) {
        if (!(opened.stanza() instanceof org.jivesoftware.smack.packet.Message message)) {
            return true;
        }
        Optional<String> original = ResentMark.originalId(message);
        String id = original.orElse(SessionCrypto.idOf(outer));
        if (id.equals("-")) {
            return true;
        }
        return DeliveredOnce.deliver(stores, CoreJid.of(peer), id, original.isPresent(), account.clock().instant());
    }

    private void log(Stores stores, SessionAddress address, Stanza outer, byte[] content) {
        Instant now = account.clock().instant();
        stores.messageLog().append(new LogEntry(LogEntry.Direction.RECEIVED, address, SessionCrypto.idOf(outer), now,
                content));
    }

    private DecryptedStanza deliver(Stores stores, OpenedStanza opened, BareJid peer, long deviceId,
            SessionRecord record) {
        Optional<DeviceCertificate> certificate = record.certificate(account.certificates());
        Optional<ContactTrust> trust = TrustRecords.load(stores, CoreJid.of(peer), account.clock());
        TrustLevel level = trust.map(t -> t.level(account.clock())).orElse(TrustLevel.UNVERIFIED);
        return new DecryptedStanza(opened.stanza(), peer, deviceId,
                certificate.map(c -> c.accountKey().fingerprint()), level, certificate.isPresent(),
                TrustRecords.maySendTo(trust, certificate, account.clock()), record.sas(), SessionOrigin.of(record.origin()),
                opened.sentAt(), record.continuity());
    }

    private static boolean needsApproval(PeerDecision decision) {
        return decision.outcome() == PeerDecision.Outcome.NEW_DEVICE_NEEDS_APPROVAL;
    }
}
