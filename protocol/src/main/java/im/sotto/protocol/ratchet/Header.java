package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.X25519;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The plaintext of an encrypted header: the sender's ratchet public key, PN, N, the acknowledgement and, from the
 * {@link RatchetLimits#HEARTBEAT_INTERVAL}th message of a chain on, the current heartbeat public key.
 * <pre>
 * ratchet key (32) | PN (4) | N (4) | ACK (4) [| heartbeat key (32)]   all integers unsigned 31-bit big-endian
 * </pre>
 */
record Header(byte[] ratchetKey, int previousChainLength, int messageNumber, int acknowledged, byte[] heartbeatKey) {
    static final int LENGTH = X25519.KEY_LENGTH + 12;
    static final int LENGTH_WITH_HEARTBEAT = LENGTH + X25519.KEY_LENGTH;

    Header {
        ratchetKey = ratchetKey.clone();
        heartbeatKey = heartbeatKey == null ? null : heartbeatKey.clone();
    }

    /** The heartbeat sub-chain of message N: 0 for the first {@link RatchetLimits#HEARTBEAT_INTERVAL} messages. */
    static int heartbeatIndex(int messageNumber) {
        return messageNumber / RatchetLimits.HEARTBEAT_INTERVAL;
    }

    boolean hasHeartbeat() {
        return heartbeatKey != null;
    }

    @Override
    public byte[] ratchetKey() {
        return ratchetKey.clone();
    }

    @Override
    public byte[] heartbeatKey() {
        return heartbeatKey == null ? null : heartbeatKey.clone();
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(hasHeartbeat() ? LENGTH_WITH_HEARTBEAT : LENGTH);
        b.put(ratchetKey).putInt(previousChainLength).putInt(messageNumber).putInt(acknowledged);
        if (hasHeartbeat()) {
            b.put(heartbeatKey);
        }
        return b.array();
    }

    /**
     * Strict decoding. The type fixes the length; a heartbeat key must be present exactly when N is in a heartbeat
     * sub-chain; counters must fit in 31 bits.
     */
    static Header decode(byte type, byte[] plaintext) throws Rejected {
        boolean heartbeat = type == WireMessage.TYPE_HEARTBEAT_MESSAGE;
        if (plaintext.length != (heartbeat ? LENGTH_WITH_HEARTBEAT : LENGTH)) {
            throw new Rejected(DecryptResult.Reason.MALFORMED);
        }
        ByteBuffer b = ByteBuffer.wrap(plaintext);
        byte[] key = new byte[X25519.KEY_LENGTH];
        b.get(key);
        int pn = b.getInt();
        int n = b.getInt();
        int ack = b.getInt();
        if (pn < 0 || n < 0 || ack < 0 || heartbeat != (heartbeatIndex(n) > 0)) {
            throw new Rejected(DecryptResult.Reason.MALFORMED);
        }
        byte[] hb = null;
        if (heartbeat) {
            hb = new byte[X25519.KEY_LENGTH];
            b.get(hb);
        }
        return new Header(key, pn, n, ack, hb);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && Arrays.equals(ratchetKey, h.ratchetKey) && previousChainLength == h.previousChainLength
                && messageNumber == h.messageNumber && acknowledged == h.acknowledged
                && Arrays.equals(heartbeatKey, h.heartbeatKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ratchetKey) * 31 + messageNumber;
    }

    @Override
    public String toString() {
        return "Header[PN=" + previousChainLength + ", N=" + messageNumber + ", ACK=" + acknowledged
                + (hasHeartbeat() ? ", heartbeat" : "") + "]";
    }
}
