package im.sotto.protocol.omemo2.internal;

import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stored form of an OMEMO 2 session with one peer device: the current state, then earlier states newest first.
 * Layout (docs/protocol.md, "OMEMO 2"): the tag byte {@link #RECORD_TAG} (never OMEMO 0.3's record version 1, so a
 * record given to the wrong core is refused as damaged), a state count, then each state's fields in the order
 * written below, with the core's big-endian codec. Keys are 32 bytes.
 */
public final class TwomemoRecord {
    public static final int RECORD_TAG = 0x21;
    private static final int KEY = TwomemoKdf.KEY_LENGTH;

    private TwomemoRecord() {}

    public static byte[] encode(List<TwomemoState> states) {
        if (states.isEmpty() || states.size() > 1 + OmemoLimits.MAX_ARCHIVED_STATES) {
            throw new IllegalArgumentException("a record holds 1.." + (1 + OmemoLimits.MAX_ARCHIVED_STATES)
                    + " states");
        }
        ByteWriter w = new ByteWriter().u8(RECORD_TAG).u8(states.size());
        for (TwomemoState s : states) {
            w.bytes(s.localIdentity).bytes(s.remoteIdentity).flag(s.initiator).bytes(s.rootKey)
                    .bytes(s.sendingPrivate).bytes(s.sendingPublic).bytes(s.remoteRatchetKey)
                    .bytes(s.sendingChainKey).optionalBytes(s.receivingChainKey).u32(s.sendingIndex)
                    .u32(s.receivingIndex).u32(s.previousSendingLength).bytes(s.baseKey).flag(s.pending != null);
            if (s.pending != null) {
                w.u32(s.pending.preKeyId()).u32(s.pending.signedPreKeyId());
            }
            w.u8(s.earlierRemoteRatchetKeys.size());
            for (byte[] earlier : s.earlierRemoteRatchetKeys) {
                w.bytes(earlier);
            }
            w.u16(s.skippedKeys.size());
            for (Map.Entry<TwomemoState.Skipped, byte[]> held : s.skippedKeys.entrySet()) {
                w.bytes(held.getKey().ratchetKeyBytes()).u32(held.getKey().n()).bytes(held.getValue());
            }
        }
        return w.toByteArrayAndWipe();
    }

    /** Decodes a record this core wrote; anything else is a damaged store ({@link StoreFailureException}). */
    public static List<TwomemoState> decode(byte[] record) {
        try {
            ByteReader r = new ByteReader(record);
            if (r.u8() != RECORD_TAG) {
                throw new MalformedInputException("not an OMEMO 2 session record");
            }
            int count = r.u8();
            if (count < 1 || count > 1 + OmemoLimits.MAX_ARCHIVED_STATES) {
                throw new MalformedInputException("state count out of range");
            }
            List<TwomemoState> states = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                states.add(decodeState(r));
            }
            r.expectEnd();
            return states;
        } catch (MalformedInputException e) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "OMEMO 2 session record: "
                    + e.getMessage(), e);
        }
    }

    private static TwomemoState decodeState(ByteReader r) throws MalformedInputException {
        TwomemoState s = new TwomemoState();
        s.localIdentity = r.bytes(KEY);
        s.remoteIdentity = r.bytes(KEY);
        s.initiator = r.flag();
        s.associatedData = s.initiator ? concat(s.localIdentity, s.remoteIdentity)
                : concat(s.remoteIdentity, s.localIdentity);
        s.rootKey = r.bytes(KEY);
        s.sendingPrivate = r.bytes(KEY);
        s.sendingPublic = r.bytes(KEY);
        s.remoteRatchetKey = r.bytes(KEY);
        s.sendingChainKey = r.bytes(KEY);
        s.receivingChainKey = r.optionalBytes(KEY);
        s.sendingIndex = int31(r);
        s.receivingIndex = int31(r);
        s.previousSendingLength = int31(r);
        s.baseKey = r.bytes(KEY);
        if (r.flag()) {
            s.pending = new TwomemoState.PendingKeyExchange(int31(r), int31(r), s.baseKey.clone());
        }
        int earlier = r.u8();
        if (earlier > OmemoLimits.MAX_RECEIVING_CHAINS) {
            throw new MalformedInputException("too many earlier ratchet keys");
        }
        for (int i = 0; i < earlier; i++) {
            s.earlierRemoteRatchetKeys.add(r.bytes(KEY));
        }
        int held = r.u16();
        if (held > OmemoLimits.MAX_SKIPPED_KEYS) {
            throw new MalformedInputException("too many skipped keys");
        }
        for (int k = 0; k < held; k++) {
            TwomemoState.Skipped key = TwomemoState.Skipped.of(r.bytes(KEY), int31(r));
            if (s.skippedKeys.put(key, r.bytes(KEY)) != null) {
                throw new MalformedInputException("skipped key repeated");
            }
        }
        return s;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int int31(ByteReader r) throws MalformedInputException {
        long v = r.u32();
        if (v > Integer.MAX_VALUE) {
            throw new MalformedInputException("counter out of range");
        }
        return (int) v;
    }
}
