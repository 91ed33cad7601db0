package im.sotto.xmpp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.offline.FirstMessageReceiver;
import im.sotto.protocol.offline.FirstReply;
import im.sotto.protocol.offline.IncomingFirstMessage;
import im.sotto.protocol.offline.PendingConfirmation;
import im.sotto.protocol.offline.PreKeyVault;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.PeerDecision;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.protocol.wire.MalformedInputException;
import im.sotto.xmpp.SecurityEvent.UndecryptableReason;
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
    private static final int TYPE_FIRST_REPLY = 0x21;

    private final SottoAccount account;
    private final EnvelopeCodec codec;

    SessionReceiver(SottoAccount account, EnvelopeCodec codec) {
        this.account = account;
        this.codec = codec;
    }

    /** The outcome for one stanza's content elements. */
    sealed interface Result {
    }

    /**
     * Decrypted and logged; {@code stanza} is empty for a content-less (heartbeat) message. {@code deviceNeedsApproval}
     * when the sender proved a device of a verified contact that awaits the user's approval. {@code losses} are what
     * the ratchet's loss detection found with it (missing, late or unacknowledged messages), to report once the
     * transaction committed.
     */
    record Opened(Optional<DecryptedStanza> stanza, long deviceId, boolean newSession, boolean bundleUsed,
            boolean deviceNeedsApproval, List<SecurityEvent> losses) implements Result {
        Opened(Optional<DecryptedStanza> stanza, long deviceId, boolean newSession, boolean bundleUsed,
                boolean deviceNeedsApproval) {
            this(stanza, deviceId, newSession, bundleUsed, deviceNeedsApproval, List.of());
        }
    }

    record Failed(UndecryptableReason reason, String detail, Optional<SecurityEvent.KeyChanged> keyChange)
            implements Result {
    }

    /** Tries every first-message element, then every ratchet element against every session with the sender. */
    Result open(Stanza outer, List<SottoEncrypted> elements) {
        BareJid peer = outer.getFrom().asBareJid();
        byte[] ad = Wire.associatedData(peer, outer.getTo().asBareJid(), Wire.kindAndType(outer));
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
                if (record.firstMessageDigest().map(d -> Arrays.equals(d, digest)).orElse(false)) {
                    return new Failed(UndecryptableReason.DUPLICATE, "first message already accepted", Optional.empty());
                }
            }
            PreKeyVault vault = SottoAccount.loadVault(stores);
            IncomingFirstMessage incoming = new FirstMessageReceiver(account.device(), account.random(),
                    account.clock()).receive(vault.copy(), payload, ad);
            if (incoming instanceof IncomingFirstMessage.Rejected rejected) {
                return new Failed(firstMessageReason(rejected.reason()), "first message: " + rejected.reason(),
                        Optional.empty());
            }
            IncomingFirstMessage.Accepted accepted = (IncomingFirstMessage.Accepted) incoming;
            PeerDecision decision = TrustRecords.onCertificate(stores, peer, accepted.sender(), account.clock());
            if (decision.outcome() == PeerDecision.Outcome.ACCOUNT_KEY_CHANGED) {
                return new Failed(UndecryptableReason.UNTRUSTED_SENDER, "a first message under a changed account key",
                        Optional.of(keyChanged(peer, decision, accepted.sender())));
            }
            OpenedStanza opened;
            try {
                opened = codec.open(accepted.plaintext(), outer);
            } catch (EnvelopeException e) {
                return new Failed(UndecryptableReason.TAMPERED, "envelope: " + e.getMessage(), Optional.empty());
            }
            SessionAddress address = new SessionAddress(peer.toString(), accepted.sender().deviceId());
            SessionRecord record = new SessionRecord(SessionOrigin.OFFLINE_FIRST_MESSAGE,
                    accepted.session().toRecord(), Optional.of(accepted.sender().encoded()), Optional.empty(),
                    Optional.empty(), Optional.of(accepted.transcriptHash()), Optional.of(digest), Optional.empty());
            Optional<SecurityEvent> replacedLoss = LossReport.unacknowledgedInReplaced(peer, address.deviceId(),
                    stores.sessions().load(address), account);
            stores.sessions().store(address, record.encode());
            SottoAccount.storeVault(stores, accepted.vault());
            log(stores, address, outer, accepted.plaintext());
            return new Opened(Optional.of(deliver(stores, opened, peer, address.deviceId(), record)),
                    address.deviceId(), true, true, needsApproval(decision), replacedLoss.stream().toList());
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

    private Result openRatchet(Stanza outer, BareJid peer, byte[] payload, byte[] ad) {
        boolean reply = payload.length > 1 && (payload[1] & 0xff) == TYPE_FIRST_REPLY;
        return account.store().transact(stores -> {
            boolean newDevice = false;
            Failed failure = new Failed(UndecryptableReason.NO_SESSION, "no session with " + peer, Optional.empty());
            for (SessionAddress address : stores.sessions().devices(peer.toString())) {
                List<SecurityEvent> losses = List.of();
                SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
                RatchetSession session = record.ratchetSession(account);
                DecryptResult result;
                SessionRecord next;
                if (reply) {
                    if (record.pendingConfirmation().isEmpty()) {
                        continue;
                    }
                    FirstReply.Opened opened = FirstReply.open(session, account.device(),
                            pending(record), payload, ad, account.random(), account.clock());
                    if (!opened.confirmed()) {
                        if (opened.failure() != FirstReply.Failure.NOT_DECRYPTED) {
                            return new Failed(UndecryptableReason.TAMPERED, "first reply: " + opened.failure(),
                                    Optional.empty());
                        }
                        result = opened.decryptResult();
                        next = null;
                    } else {
                        PeerDecision decision = TrustRecords.onCertificate(stores, peer, opened.recipient(),
                                account.clock());
                        if (decision.outcome() == PeerDecision.Outcome.ACCOUNT_KEY_CHANGED) {
                            return new Failed(UndecryptableReason.UNTRUSTED_SENDER, "the first reply proves another account",
                                    Optional.of(keyChanged(peer, decision, opened.recipient())));
                        }
                        newDevice = needsApproval(decision);
                        result = new DecryptResult.Decrypted(opened.plaintext(), 0, 0, 0, false, List.of());
                        next = record.confirmed(opened.session().toRecord(), opened.recipient());
                    }
                } else {
                    long acknowledgedBefore = session.acknowledgedByPeer();
                    result = session.decrypt(payload, ad);
                    next = record.withRatchet(session.toRecord());
                    losses = LossReport.of(peer, address.deviceId(), session, result, acknowledgedBefore);
                }
                if (result instanceof DecryptResult.Duplicate) {
                    return new Failed(UndecryptableReason.DUPLICATE, "already decrypted", Optional.empty());
                }
                if (result instanceof DecryptResult.Undecryptable undecryptable) {
                    failure = undecryptable.reason() == DecryptResult.Reason.BAD_AUTH_TAG
                            ? new Failed(UndecryptableReason.TAMPERED, "ratchet: BAD_AUTH_TAG", Optional.empty())
                            : failure.reason() == UndecryptableReason.TAMPERED ? failure
                            : new Failed(UndecryptableReason.BROKEN_SESSION, "ratchet: " + undecryptable.reason(),
                                    Optional.empty());
                    continue;
                }
                byte[] plaintext = ((DecryptResult.Decrypted) result).plaintext();
                stores.sessions().store(address, next.encode());
                if (plaintext.length == 0) {
                    return new Opened(Optional.empty(), address.deviceId(), false, false, newDevice, losses);
                }
                OpenedStanza opened;
                try {
                    opened = codec.open(plaintext, outer);
                } catch (EnvelopeException e) {
                    // The message key is spent either way: keep the state, so a replay is a duplicate.
                    return new Failed(UndecryptableReason.TAMPERED, "envelope: " + e.getMessage(), Optional.empty());
                }
                log(stores, address, outer, plaintext);
                return new Opened(Optional.of(deliver(stores, opened, peer, address.deviceId(), next)),
                        address.deviceId(), false, false, newDevice, losses);
            }
            return failure;
        });
    }

    private PendingConfirmation pending(SessionRecord record) {
        try {
            return PendingConfirmation.decode(record.pendingConfirmation().orElseThrow());
        } catch (MalformedInputException e) {
            throw new IllegalStateException("a stored pending confirmation cannot be read", e);
        }
    }

    private void log(Stores stores, SessionAddress address, Stanza outer, byte[] content) {
        Instant now = account.clock().instant();
        stores.messageLog().append(new LogEntry(LogEntry.Direction.RECEIVED, address, SessionCrypto.idOf(outer), now,
                content));
    }

    private DecryptedStanza deliver(Stores stores, OpenedStanza opened, BareJid peer, long deviceId,
            SessionRecord record) {
        Optional<DeviceCertificate> certificate = record.certificate(account.certificates());
        Optional<ContactTrust> trust = TrustRecords.load(stores, peer, account.clock());
        TrustLevel level = trust.map(t -> t.level(account.clock())).orElse(TrustLevel.UNVERIFIED);
        return new DecryptedStanza(opened.stanza(), peer, deviceId,
                certificate.map(c -> c.accountKey().fingerprint()), level, certificate.isPresent(),
                TrustRecords.maySendTo(trust, certificate, account.clock()), record.sas(), record.origin(),
                opened.sentAt(), record.continuity());
    }

    private static boolean needsApproval(PeerDecision decision) {
        return decision.outcome() == PeerDecision.Outcome.NEW_DEVICE_NEEDS_APPROVAL;
    }

    private static SecurityEvent.KeyChanged keyChanged(BareJid peer, PeerDecision decision,
            DeviceCertificate presented) {
        return new SecurityEvent.KeyChanged(peer, decision.trust().pinnedKey().fingerprint(),
                presented.accountKey().fingerprint());
    }
}
