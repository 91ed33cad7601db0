package im.sotto.protocol.store;

import java.util.List;

/** Stanzas waiting for a session (never sent in plaintext meanwhile): queued, listed per peer, removed once sent. */
public interface OutboundQueue {
    /** Queues a stanza; returns its id, greater than every id queued before. */
    long enqueue(String peerAccount, byte[] stanza);

    /** The stanzas waiting for one peer account, oldest first. */
    List<QueuedStanza> pending(String peerAccount);

    /** The peer accounts with stanzas waiting, in the order of their oldest waiting stanza (for a restart). */
    List<String> peers();

    /**
     * Replaces a queued stanza's bytes, keeping its id, peer and place (what a failed attempt learned, say); returns
     * whether it was still queued.
     */
    boolean replace(long id, byte[] stanza);

    /** Returns whether the stanza was still queued. */
    boolean remove(long id);
}
