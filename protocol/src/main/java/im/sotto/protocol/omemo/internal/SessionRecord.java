package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The stored form of an OMEMO session with one peer device: the current state, then earlier states newest first.
 * Layout (docs/protocol.md, "OMEMO 0.3"): version byte 1, a state count, then each state's fields in the order
 * written below, with the core's big-endian codec.
 */
public final class SessionRecord {
    public static final int RECORD_VERSION = 1;
    private static final int KEY = SignalKdf.KEY_LENGTH;

    private SessionRecord() {}

    public static byte[] encode(List<SessionState> states) {
        if (states.isEmpty() || states.size() > 1 + OmemoLimits.MAX_ARCHIVED_STATES) {
            throw new IllegalArgumentException("a record holds 1.." + (1 + OmemoLimits.MAX_ARCHIVED_STATES)
                    + " states");
        }
        ByteWriter w = new ByteWriter().u8(RECORD_VERSION).u8(states.size());
        for (SessionState s : states) {
            w.bytes(s.localIdentity).bytes(s.remoteIdentity).u32(s.localRegistrationId).u32(s.remoteRegistrationId)
                    .bytes(s.rootKey).bytes(s.senderRatchetPrivate).bytes(s.senderRatchetPublic)
                    .bytes(s.senderChainKey).u32(s.senderIndex).u32(s.previousCounter).bytes(s.aliceBaseKey);
            if (s.pendingPreKey == null) {
                w.u8(0);
            } else {
                OptionalInt preKeyId = s.pendingPreKey.preKeyId();
                w.u8(1).u8(preKeyId.isPresent() ? 1 : 0).u32(preKeyId.orElse(0))
                        .u32(s.pendingPreKey.signedPreKeyId()).bytes(s.pendingPreKey.baseKey());
            }
            w.u8(s.receivingChains.size());
            for (ReceivingChain chain : s.receivingChains) {
                w.bytes(chain.ratchetKey).bytes(chain.chainKey).u32(chain.index).u16(chain.skippedKeys.size());
                for (Map.Entry<Integer, byte[]> held : chain.skippedKeys.entrySet()) {
                    w.u32(held.getKey()).bytes(held.getValue());
                }
            }
        }
        return w.toByteArray();
    }

    /** Decodes a record this core wrote; anything else is a damaged store ({@link StoreFailureException}). */
    public static List<SessionState> decode(byte[] record) {
        try {
            ByteReader r = new ByteReader(record);
            if (r.u8() != RECORD_VERSION) {
                throw new MalformedInputException("unknown OMEMO session record version");
            }
            int count = r.u8();
            if (count < 1 || count > 1 + OmemoLimits.MAX_ARCHIVED_STATES) {
                throw new MalformedInputException("state count out of range");
            }
            List<SessionState> states = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                states.add(decodeState(r));
            }
            r.expectEnd();
            return states;
        } catch (MalformedInputException e) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "OMEMO session record: "
                    + e.getMessage(), e);
        }
    }

    private static SessionState decodeState(ByteReader r) throws MalformedInputException {
        SessionState s = new SessionState();
        s.localIdentity = r.bytes(KEY);
        s.remoteIdentity = r.bytes(KEY);
        s.localRegistrationId = int31(r);
        s.remoteRegistrationId = int31(r);
        s.rootKey = r.bytes(KEY);
        s.senderRatchetPrivate = r.bytes(KEY);
        s.senderRatchetPublic = r.bytes(KEY);
        s.senderChainKey = r.bytes(KEY);
        s.senderIndex = int31(r);
        s.previousCounter = int31(r);
        s.aliceBaseKey = r.bytes(KEY);
        int pending = r.u8();
        if (pending == 1) {
            int hasPreKeyId = r.u8();
            int preKeyId = int31(r);
            // Without a one-time prekey the id is written as 0; anything else would not re-encode to the same bytes.
            if (hasPreKeyId > 1 || (hasPreKeyId == 0 && preKeyId != 0)) {
                throw new MalformedInputException("bad prekey flag");
            }
            s.pendingPreKey = new SessionState.PendingPreKey(hasPreKeyId == 1 ? OptionalInt.of(preKeyId)
                    : OptionalInt.empty(), int31(r), r.bytes(KEY));
        } else if (pending != 0) {
            throw new MalformedInputException("bad pending flag");
        }
        int chains = r.u8();
        if (chains > OmemoLimits.MAX_RECEIVING_CHAINS) {
            throw new MalformedInputException("too many receiving chains");
        }
        int held = 0;
        for (int c = 0; c < chains; c++) {
            ReceivingChain chain = new ReceivingChain(r.bytes(KEY), r.bytes(KEY), int31(r));
            int skipped = r.u16();
            held += skipped;
            if (held > OmemoLimits.MAX_SKIPPED_KEYS) {
                throw new MalformedInputException("too many skipped keys");
            }
            for (int k = 0; k < skipped; k++) {
                int counter = int31(r);
                if (chain.skippedKeys.put(counter, r.bytes(SignalKdf.MESSAGE_KEYS_LENGTH)) != null) {
                    throw new MalformedInputException("skipped key repeated");
                }
            }
            s.receivingChains.add(chain);
        }
        return s;
    }

    private static int int31(ByteReader r) throws MalformedInputException {
        long v = r.u32();
        if (v > Integer.MAX_VALUE) {
            throw new MalformedInputException("counter out of range");
        }
        return (int) v;
    }
}
