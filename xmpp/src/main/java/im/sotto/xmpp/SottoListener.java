package im.sotto.xmpp;

/** Receives what Sotto delivers. Called on one Sotto thread per connection, in arrival order; do not block it. */
public interface SottoListener {
    /** A stanza that arrived encrypted, decrypted and checked (iq requests go to the {@link SottoIqRequestHandler}). */
    void onStanza(DecryptedStanza stanza);

    /** A security event: an undecryptable stanza, a new or healed session, a failed send, a changed key... */
    default void onEvent(SecurityEvent event) {
    }
}
