package im.sotto.protocol.omemo.internal;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One receiving chain of a session state: the peer's ratchet key, the chain key for the next counter, and the message
 * keys derived for counters that were skipped (in derivation order, oldest first).
 */
final class ReceivingChain {
    final byte[] ratchetKey;
    byte[] chainKey;
    int index;
    final LinkedHashMap<Integer, byte[]> skippedKeys = new LinkedHashMap<>();

    ReceivingChain(byte[] ratchetKey, byte[] chainKey, int index) {
        this.ratchetKey = ratchetKey.clone();
        this.chainKey = chainKey.clone();
        this.index = index;
    }

    boolean matches(byte[] peerRatchetKey) {
        return Arrays.equals(ratchetKey, peerRatchetKey);
    }

    /** Drops the oldest held key; returns false when none is held. */
    boolean dropOldestSkipped() {
        Iterator<Map.Entry<Integer, byte[]>> it = skippedKeys.entrySet().iterator();
        if (!it.hasNext()) {
            return false;
        }
        Arrays.fill(it.next().getValue(), (byte) 0);
        it.remove();
        return true;
    }
}
