package im.sotto.xmpp;

import org.jivesoftware.smack.packet.Message;

/**
 * Handles incoming messages of another end-to-end scheme (OMEMO, say) registered with
 * {@link SottoManager#addIncomingHandler}. Called on Sotto's worker thread, in arrival order with Sotto's own
 * stanzas, for each message without a Sotto element that carries the namespace it was registered for. A message it
 * claims is its own; one it does not claim is reported as {@link SecurityEvent.ForeignEncryption}.
 */
@FunctionalInterface
public interface IncomingHandler {
    /** True if it took care of {@code message} (decrypted and delivered it, or reported why not). */
    boolean claim(Message message);
}
