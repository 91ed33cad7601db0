package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The session record: a version byte (0x01), the suite's wire id, then every state variable in a fixed order
 * (docs/protocol.md, "Session record"). Deterministic, so an unchanged state always gives identical bytes. The
 * decoder is strict: every count is bounded, every flag is 0 or 1, nothing may follow the last field.
 */
final class StateCodec {
    /** Version 2 stores the ratchet key's public half too (version 1 records are still read). */
    static final int RECORD_VERSION = 2;
    private static final int RECORD_VERSION_WITHOUT_PUBLIC_KEY = 1;
    private static final int KEY = 32;

    private StateCodec() {}

    static byte[] encode(RatchetState s) {
        RecordWriter w = new RecordWriter();
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
        w.u8(s.current == null ? 0 : 1);
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
        return w.toByteArray();
    }

    private static void writeChain(RecordWriter w, ReceivingChain c) {
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
        RecordReader r = new RecordReader(record);
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
        s.sent = r.nonNegative();
        s.previousChainLength = r.nonNegative();
        s.sendSequenceBase = r.i64Range(0, RatchetLimits.MAX_COUNTER);
        s.heartbeatIndex = r.nonNegative();
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
        int previous = r.count(RatchetLimits.MAX_SKIPPED_TOTAL + RatchetLimits.MAX_PREVIOUS_RECEIVING_CHAINS);
        for (int i = 0; i < previous; i++) {
            ReceivingChain c = readChain(r);
            if (!c.closed()) {
                throw new RatchetRecordException("earlier receiving chain must be closed");
            }
            s.previous.add(c);
        }
        s.peerAcknowledged = r.i64Range(0, RatchetLimits.MAX_COUNTER);
        s.receivedSinceSend = r.nonNegative();
        int entries = r.count(RatchetLimits.MAX_UNACKNOWLEDGED_TRACKED);
        for (int i = 0; i < entries; i++) {
            s.sendLog.entries.add(new SendLog.Entry(r.i64Range(0, RatchetLimits.MAX_COUNTER), r.i64()));
        }
        r.end();
        if ((s.sendingChain == null) != (s.sendingHeaderKey == null) || s.totalSkipped() > RatchetLimits.MAX_SKIPPED_TOTAL) {
            throw new RatchetRecordException("inconsistent session record");
        }
        return s;
    }

    private static ReceivingChain readChain(RecordReader r) throws RatchetRecordException {
        HeaderKey hk = new HeaderKey(r.secret(KEY));
        long base = r.i64Range(0, RatchetLimits.MAX_COUNTER);
        int next = r.nonNegative();
        SecretBytes ck = r.optionalSecret(KEY);
        int end = r.i32();
        if (end < -1 || (end >= 0) != (ck == null) || (end >= 0 && end != next)) {
            throw new RatchetRecordException("inconsistent receiving chain");
        }
        TreeMap<Integer, SkippedKey> skipped = new TreeMap<>();
        int held = r.count(RatchetLimits.MAX_SKIP_PER_CHAIN);
        for (int i = 0; i < held; i++) {
            int n = r.nonNegative();
            SkippedKey k = new SkippedKey(new MessageKey(r.secret(KEY)), r.i64());
            if (n >= next || skipped.put(n, k) != null) {
                throw new RatchetRecordException("bad held key counter");
            }
        }
        TreeSet<Integer> expired = new TreeSet<>();
        int count = r.count(RatchetLimits.MAX_SKIP_PER_CHAIN);
        for (int i = 0; i < count; i++) {
            int n = r.nonNegative();
            if (n >= next || skipped.containsKey(n) || !expired.add(n)) {
                throw new RatchetRecordException("bad expired counter");
            }
        }
        SecretBytes own = r.optionalSecret(KEY);
        int hbIndex = r.nonNegative();
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
