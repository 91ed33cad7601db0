package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ratchet session record: a version byte, the suite's wire id, then every state variable in a fixed order, on
 * the {@code wire} codec (docs/protocol.md, "Stored records"). Deterministic, so an unchanged state always gives
 * identical bytes. The decoder is strict: every count is bounded, every flag is 0 or 1, nothing may follow the last
 * field; any parse failure is a {@link RatchetRecordException}.
 */
final class StateCodec {
    /** Version 2 stores the ratchet key's public half too (version 1 records are still read). */
    static final int RECORD_VERSION = 2;
    private static final int RECORD_VERSION_WITHOUT_PUBLIC_KEY = 1;
    private static final int KEY = 32;
    /** A fresh session's record is about 300 bytes, one with a few held keys under 1 KiB: one buffer, no growth. */
    private static final int EXPECTED_RECORD_SIZE = 1024;

    private StateCodec() {}

    static byte[] encode(RatchetState s) {
        ByteWriter w = new ByteWriter(EXPECTED_RECORD_SIZE);
        w.u8(RECORD_VERSION);
        w.u8(s.suite.wireId());
        w.secret(s.rootKey.secret());
        w.secret(s.ownRatchetKey.privateKey());
        // The public half too: recomputing it is a scalar multiplication on every load (most of a message's cost).
        w.bytes(s.ownRatchetKey.publicKey());
        w.optionalBytes(s.peerRatchetKey);
        w.optionalSecret(s.sendingChain == null ? null : s.sendingChain.secret());
        w.optionalSecret(s.sendingHeaderKey == null ? null : s.sendingHeaderKey.secret());
        w.secret(s.nextSendingHeaderKey.secret());
        w.i32(s.sent);
        w.i32(s.previousChainLength);
        w.i64(s.sendSequenceBase);
        w.i32(s.heartbeatIndex);
        if (s.heartbeatIndex > 0) {
            w.bytes(s.heartbeatPublic);
            w.secret(s.heartbeatSecret);
        }
        w.secret(s.nextReceivingHeaderKey.secret());
        w.flag(s.current != null);
        if (s.current != null) {
            writeChain(w, s.current);
        }
        w.i32(s.previous.size());
        for (ReceivingChain c : s.previous) {
            writeChain(w, c);
        }
        w.i64(s.peerAcknowledged);
        w.i32(s.receivedSinceSend);
        w.i32(s.sendLog.entries.size());
        for (SendLog.Entry e : s.sendLog.entries) {
            w.i64(e.sequence());
            w.i64(e.sentAtMillis());
        }
        return w.toByteArrayAndWipe();
    }

    private static void writeChain(ByteWriter w, ReceivingChain c) {
        w.secret(c.headerKey.secret());
        w.i64(c.sequenceBase);
        w.i32(c.next);
        w.optionalSecret(c.chainKey == null ? null : c.chainKey.secret());
        w.i32(c.end);
        w.i32(c.skipped.size());
        c.skipped.forEach((n, k) -> {
            w.i32(n);
            w.secret(k.key().secret());
            w.i64(k.createdAtMillis());
        });
        w.i32(c.expired.size());
        c.expired.forEach(w::i32);
        w.optionalSecret(c.ownPrivate);
        w.i32(c.heartbeatIndex);
        if (c.heartbeatIndex > 0) {
            w.bytes(c.heartbeatPublic);
            w.secret(c.heartbeatSecret);
        }
    }

    /** The suite of a record, read without loading its secrets. */
    static CipherSuite suite(byte[] record) throws RatchetRecordException {
        if (record == null || record.length < 2) {
            throw new RatchetRecordException("no record");
        }
        int version = record[0] & 0xff;
        if (version != RECORD_VERSION && version != RECORD_VERSION_WITHOUT_PUBLIC_KEY) {
            throw new RatchetRecordException("unsupported session record version " + version);
        }
        return CipherSuite.fromWireId(record[1] & 0xff)
                .orElseThrow(() -> new RatchetRecordException("unknown cipher suite"));
    }

    static RatchetState decode(byte[] record) throws RatchetRecordException {
        if (record == null) {
            throw new RatchetRecordException("no record");
        }
        try {
            return decode(new ByteReader(record));
        } catch (MalformedInputException e) {
            throw new RatchetRecordException("session record does not parse (" + e.kind() + "): " + e.getMessage(), e);
        }
    }

    private static RatchetState decode(ByteReader r) throws RatchetRecordException, MalformedInputException {
        int version = r.u8();
        if (version != RECORD_VERSION && version != RECORD_VERSION_WITHOUT_PUBLIC_KEY) {
            throw new RatchetRecordException("unsupported session record version " + version);
        }
        CipherSuite suite = CipherSuite.fromWireId(r.u8())
                .orElseThrow(() -> new RatchetRecordException("unknown cipher suite"));
        RatchetState s = new RatchetState(suite, new ArrayList<>(), new SendLog(new ArrayList<>()));
        s.rootKey = new RootKey(r.secret(KEY));
        SecretBytes ownPrivate = r.secret(KEY);
        s.ownRatchetKey = version == RECORD_VERSION_WITHOUT_PUBLIC_KEY ? X25519KeyPair.fromPrivate(ownPrivate)
                : X25519KeyPair.restore(ownPrivate, r.bytes(KEY));
        s.peerRatchetKey = r.optionalBytes(KEY);
        SecretBytes ck = r.optionalSecret(KEY);
        s.sendingChain = ck == null ? null : new ChainKey(ck);
        SecretBytes hks = r.optionalSecret(KEY);
        s.sendingHeaderKey = hks == null ? null : new HeaderKey(hks);
        s.nextSendingHeaderKey = new HeaderKey(r.secret(KEY));
        s.sent = r.nonNegativeI32("counter");
        s.previousChainLength = r.nonNegativeI32("counter");
        s.sendSequenceBase = r.i64InRange(0, RatchetLimits.MAX_COUNTER, "sequence");
        s.heartbeatIndex = r.nonNegativeI32("counter");
        if (s.heartbeatIndex > 0) {
            s.heartbeatPublic = r.bytes(KEY);
            s.heartbeatSecret = r.secret(KEY);
        }
        s.nextReceivingHeaderKey = new HeaderKey(r.secret(KEY));
        if (r.flag()) {
            s.current = readChain(r);
            if (s.current.closed() || s.current.chainKey == null || s.current.ownPrivate == null) {
                throw new RatchetRecordException("current receiving chain must be open");
            }
        }
        int previous = r.count(RatchetLimits.MAX_SKIPPED_TOTAL + RatchetLimits.MAX_PREVIOUS_RECEIVING_CHAINS,
                "earlier chains");
        for (int i = 0; i < previous; i++) {
            ReceivingChain c = readChain(r);
            if (!c.closed()) {
                throw new RatchetRecordException("earlier receiving chain must be closed");
            }
            s.previous.add(c);
        }
        s.peerAcknowledged = r.i64InRange(0, RatchetLimits.MAX_COUNTER, "sequence");
        s.receivedSinceSend = r.nonNegativeI32("counter");
        int entries = r.count(RatchetLimits.MAX_UNACKNOWLEDGED_TRACKED, "send log entries");
        for (int i = 0; i < entries; i++) {
            s.sendLog.entries.add(new SendLog.Entry(r.i64InRange(0, RatchetLimits.MAX_COUNTER, "sequence"), r.i64()));
        }
        r.expectEnd();
        if ((s.sendingChain == null) != (s.sendingHeaderKey == null) || s.totalSkipped() > RatchetLimits.MAX_SKIPPED_TOTAL) {
            throw new RatchetRecordException("inconsistent session record");
        }
        return s;
    }

    private static ReceivingChain readChain(ByteReader r) throws RatchetRecordException, MalformedInputException {
        HeaderKey hk = new HeaderKey(r.secret(KEY));
        long base = r.i64InRange(0, RatchetLimits.MAX_COUNTER, "sequence");
        int next = r.nonNegativeI32("counter");
        SecretBytes ck = r.optionalSecret(KEY);
        int end = r.i32();
        if (end < -1 || (end >= 0) != (ck == null) || (end >= 0 && end != next)) {
            throw new RatchetRecordException("inconsistent receiving chain");
        }
        TreeMap<Integer, SkippedKey> skipped = new TreeMap<>();
        int held = r.count(RatchetLimits.MAX_SKIP_PER_CHAIN, "held keys");
        for (int i = 0; i < held; i++) {
            int n = r.nonNegativeI32("counter");
            SkippedKey k = new SkippedKey(new MessageKey(r.secret(KEY)), r.i64());
            if (n >= next || skipped.put(n, k) != null) {
                throw new RatchetRecordException("bad held key counter");
            }
        }
        TreeSet<Integer> expired = new TreeSet<>();
        int count = r.count(RatchetLimits.MAX_SKIP_PER_CHAIN, "expired counters");
        for (int i = 0; i < count; i++) {
            int n = r.nonNegativeI32("counter");
            if (n >= next || skipped.containsKey(n) || !expired.add(n)) {
                throw new RatchetRecordException("bad expired counter");
            }
        }
        SecretBytes own = r.optionalSecret(KEY);
        int hbIndex = r.nonNegativeI32("counter");
        byte[] hbPublic = null;
        SecretBytes hbSecret = null;
        if (hbIndex > 0) {
            hbPublic = r.bytes(KEY);
            hbSecret = r.secret(KEY);
        }
        return new ReceivingChain(hk, base, next, ck == null ? null : new ChainKey(ck), end, skipped, expired, own,
                hbIndex, hbPublic, hbSecret);
    }
}
