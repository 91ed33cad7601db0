package im.sotto.xmpp.element;

import org.jivesoftware.smack.parsing.SmackParsingException;

/**
 * One of Sotto's elements arrived malformed: a missing, duplicated, unknown or oversized attribute or child, or bad
 * base64. Thrown by Sotto's providers so that Smack reports the stanza as unparseable instead of guessing a value.
 */
public final class SottoParsingException extends SmackParsingException {
    private static final long serialVersionUID = 1L;

    public SottoParsingException(String message) {
        super(message);
    }
}
