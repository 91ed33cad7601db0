package im.sotto.protocol.store;

import java.util.Arrays;

/** A stanza waiting for a session with a peer account, in the order it was queued ({@code id} ascending). */
public record QueuedStanza(long id, String peerAccount, byte[] stanza) {
    public QueuedStanza {
        SessionAddress.checkPeer(peerAccount);
        stanza = Records.checkedCopy(stanza);
    }

    @Override
    public byte[] stanza() {
        return stanza.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueuedStanza q && id == q.id && peerAccount.equals(q.peerAccount)
                && Arrays.equals(stanza, q.stanza);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "QueuedStanza[" + id + ", " + stanza.length + " bytes, content redacted]";
    }
}
