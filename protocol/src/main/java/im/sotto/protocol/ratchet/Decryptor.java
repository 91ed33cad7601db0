package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.DeterministicNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.ratchet.DecryptResult.Reason;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * RatchetDecryptHE, transactional: every check that can be made on the unchanged state (parse, header trial,
 * duplicate, expiry, limits) is made first; only then is a working copy changed, the payload verified, and the copy
 * returned. The caller commits it; on any rejection there is nothing to commit.
 */
final class Decryptor {
    private Decryptor() {}

    /** The result, and the state to commit (null unless decrypted). */
    record Outcome(DecryptResult result, RatchetState newState) {}

    /** Where a header decrypted: an existing receiving chain (index into previous, or -1 for current) or NHKr. */
    private record Located(Header header, ReceivingChain chain, int previousIndex) {
        boolean newChain() {
            return chain == null;
        }
    }

    static Outcome decrypt(RatchetState state, byte[] message, byte[] associatedData, SecureRandom random,
            Instant now) {
        RatchetState[] work = new RatchetState[1];
        try {
            WireMessage wire = WireMessage.parse(message);
            Located at = locate(state, wire);
            Header h = at.header();
            int n = h.messageNumber();
            if (!at.newChain()) {
                ReceivingChain c = at.chain();
                SkippedKey held = c.skipped.get(n);
                if (held == null && n < c.next) {
                    // Already received (or its key expired): rejected before anything else happens.
                    if (c.expired.contains(n)) {
                        throw new Rejected(Reason.EXPIRED);
                    }
                    return new Outcome(new DecryptResult.Duplicate(c.sequenceBase + n, n), null);
                }
                if (held != null && held.expiredAt(now)) {
                    throw new Rejected(Reason.EXPIRED);
                }
                if (held == null && c.closed()) {
                    throw new Rejected(Reason.MALFORMED); // beyond the length the peer announced for this chain
                }
            }
            long seq = checkLimits(state, at);
            work[0] = state.copy();
            ReceivingChain chain = at.newChain() ? startChain(work[0], h, random, now)
                    : at.previousIndex() < 0 ? work[0].current : work[0].previous.get(at.previousIndex());
            boolean late = chain.skipped.containsKey(n);
            MessageKey mk;
            if (late) {
                mk = chain.skipped.remove(n).key();
            } else {
                chain.skipTo(n, work[0], now.toEpochMilli());
                mk = chain.take(work[0]);
            }
            byte[] plaintext = openPayload(work[0], chain, h, mk, wire, associatedData, late);
            if (h.acknowledged() > state.totalSent()) {
                throw new Rejected(Reason.MALFORMED); // acknowledges messages we never sent
            }
            long before = state.receivedHighWater();
            List<SequenceRange> missing = seq > before ? List.of(SequenceRange.of(before, seq - 1)) : List.of();
            RatchetState w = work[0];
            w.peerAcknowledged = Math.max(w.peerAcknowledged, h.acknowledged());
            w.sendLog.acknowledge(w.peerAcknowledged);
            w.receivedSinceSend = (int) Math.min(Integer.MAX_VALUE, w.receivedSinceSend + 1L);
            w.housekeeping(now.toEpochMilli());
            return new Outcome(new DecryptResult.Decrypted(plaintext, seq, n, h.acknowledged(), late, missing), w);
        } catch (Rejected r) {
            if (work[0] != null) {
                work[0].wipeSecretsNotIn(state);
            }
            return new Outcome(new DecryptResult.Undecryptable(r.reason), null);
        }
    }

    /** Header trial: HKr, then NHKr, then the remembered earlier chains, newest first. */
    private static Located locate(RatchetState s, WireMessage wire) throws Rejected {
        byte[] ad = WireMessage.headerAssociatedData(wire.type);
        SealedBox box = new SealedBox(wire.headerNonce, wire.headerCiphertext);
        if (s.current != null) {
            Optional<byte[]> p = s.current.headerKey.open(s.suite, box, ad);
            if (p.isPresent()) {
                return new Located(Header.decode(wire.type, p.get()), s.current, -1);
            }
        }
        Optional<byte[]> p = s.nextReceivingHeaderKey.open(s.suite, box, ad);
        if (p.isPresent()) {
            return new Located(Header.decode(wire.type, p.get()), null, -1);
        }
        for (int i = 0; i < s.previous.size(); i++) {
            ReceivingChain c = s.previous.get(i);
            p = c.headerKey.open(s.suite, box, ad);
            if (p.isPresent()) {
                return new Located(Header.decode(wire.type, p.get()), c, i);
            }
        }
        throw new Rejected(Reason.UNKNOWN_HEADER_KEY);
    }

    /**
     * Checks, on the unchanged state, that the keys this message needs fit the limits and that its session-wide
     * number is consistent; returns that number.
     */
    private static long checkLimits(RatchetState s, Located at) throws Rejected {
        Header h = at.header();
        long heldInOld = 0; // keys the affected earlier chain already holds
        long newInOld = 0; // keys to hold in it now
        long newInNew = 0; // keys to hold in a new chain
        long base;
        if (!at.newChain()) {
            ReceivingChain c = at.chain();
            base = c.sequenceBase;
            if (!c.skipped.containsKey(h.messageNumber())) {
                heldInOld = c.skipped.size();
                newInOld = (long) h.messageNumber() - c.next;
            }
        } else if (s.current != null) {
            if (h.previousChainLength() < s.current.next) {
                throw new Rejected(Reason.MALFORMED); // claims fewer messages than we already received
            }
            heldInOld = s.current.skipped.size();
            newInOld = h.previousChainLength() - s.current.next;
            newInNew = h.messageNumber();
            base = s.current.sequenceBase + h.previousChainLength();
        } else {
            if (h.previousChainLength() != 0) {
                throw new Rejected(Reason.MALFORMED); // the peer's first chain has no predecessor
            }
            newInNew = h.messageNumber();
            base = 0;
        }
        if (heldInOld + newInOld > RatchetLimits.MAX_SKIP_PER_CHAIN || newInNew > RatchetLimits.MAX_SKIP_PER_CHAIN
                || s.totalSkipped() + newInOld + newInNew > RatchetLimits.MAX_SKIPPED_TOTAL) {
            throw new Rejected(Reason.TOO_FAR_AHEAD);
        }
        long seq = base + h.messageNumber();
        if (seq >= RatchetLimits.MAX_COUNTER) {
            throw new Rejected(Reason.MALFORMED);
        }
        return seq;
    }

    /** The DH ratchet step (DHRatchetHE) on the working copy: closes the current chain, opens the peer's new one. */
    private static ReceivingChain startChain(RatchetState w, Header h, SecureRandom random, Instant now)
            throws Rejected {
        long base = 0;
        if (w.current != null) {
            base = w.current.sequenceBase + h.previousChainLength();
            w.current.close(h.previousChainLength(), w, now.toEpochMilli());
            w.previous.add(0, w.current);
        }
        byte[] peer = h.ratchetKey();
        RootKey.Step receiving = w.rootKey.advance(w.suite, agree(w.ownRatchetKey.privateKey(), peer));
        w.current = new ReceivingChain(w.nextReceivingHeaderKey, base, receiving.chainKey(),
                w.ownRatchetKey.privateKey());
        w.nextReceivingHeaderKey = receiving.nextHeaderKey();
        w.peerRatchetKey = peer;

        X25519KeyPair fresh = X25519.generateKeyPair(random);
        RootKey.Step sending = receiving.rootKey().advance(w.suite, agree(fresh.privateKey(), peer));
        w.previousChainLength = w.sent;
        w.sendSequenceBase += w.sent;
        w.sent = 0;
        w.sendingHeaderKey = w.nextSendingHeaderKey;
        w.ownRatchetKey = fresh;
        w.rootKey = sending.rootKey();
        w.sendingChain = sending.chainKey();
        w.nextSendingHeaderKey = sending.nextHeaderKey();
        w.heartbeatIndex = 0;
        w.heartbeatPublic = null;
        w.heartbeatSecret = null;
        return w.current;
    }

    private static SecretBytes agree(SecretBytes privateKey, byte[] peer) throws Rejected {
        try {
            return X25519.agree(privateKey, peer);
        } catch (InvalidPublicKeyException e) {
            throw new Rejected(Reason.MALFORMED); // authentic header carrying a low-order key
        }
    }

    private static byte[] openPayload(RatchetState w, ReceivingChain chain, Header h, MessageKey mk, WireMessage wire,
            byte[] associatedData, boolean late) throws Rejected {
        SecretBytes heartbeat = null;
        boolean cached = false;
        int subChain = Header.heartbeatIndex(h.messageNumber());
        if (h.hasHeartbeat()) {
            cached = chain.heartbeatIndex == subChain && Arrays.equals(chain.heartbeatPublic, h.heartbeatKey());
            if (cached) {
                heartbeat = chain.heartbeatSecret;
            } else if (chain.ownPrivate == null) {
                throw new Rejected(Reason.EXPIRED);
            } else {
                heartbeat = agree(chain.ownPrivate, h.heartbeatKey());
            }
        }
        MessageKey.PayloadKeys keys = mk.payloadKeys(w.suite, wire.headerNonce, heartbeat);
        try {
            byte[] plaintext = new DeterministicNonceAead(w.suite.aead(), keys.key()).open(keys.nonce(),
                    wire.payloadAssociatedData(associatedData), wire.payloadCiphertext);
            if (heartbeat != null && !cached && !chain.closed() && !late && subChain > chain.heartbeatIndex) {
                chain.heartbeatIndex = subChain;
                chain.heartbeatPublic = h.heartbeatKey();
                chain.heartbeatSecret = heartbeat;
                heartbeat = null;
            }
            return plaintext;
        } catch (AuthenticationFailedException e) {
            throw new Rejected(Reason.BAD_AUTH_TAG);
        } finally {
            keys.wipe();
            if (!late) {
                mk.secret().wipe();
            }
            if (heartbeat != null && !cached) {
                heartbeat.wipe();
            }
        }
    }
}
