package im.sotto.xmpp;

import org.jivesoftware.smack.packet.IQ;

/**
 * Answers iq requests that arrived encrypted. The answer (a result or an error for the request) travels encrypted
 * too. Called on a Smack thread, so it may use the manager.
 */
@FunctionalInterface
public interface SottoIqRequestHandler {
    IQ handle(DecryptedStanza request);
}
