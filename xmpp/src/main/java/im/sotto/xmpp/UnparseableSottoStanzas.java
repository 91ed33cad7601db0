package im.sotto.xmpp;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoParsingException;

import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.UnparseableStanza;
import org.jivesoftware.smack.parsing.ParsingExceptionCallback;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Stanzas whose Sotto element Smack could not parse: dropped and reported as {@code MALFORMED}, the connection kept.
 * Other unparseable stanzas go to the callback that was installed before.
 */
final class UnparseableSottoStanzas {
    private static final Pattern FROM_ATTRIBUTE = Pattern.compile("from=['\"]([^'\"]+)['\"]");

    private UnparseableSottoStanzas() {
    }

    /** Reports the connection's unparseable Sotto stanzas to {@code events}. */
    static void install(AbstractXMPPConnection connection, Consumer<SecurityEvent> events) {
        ParsingExceptionCallback previous = connection.getParsingExceptionCallback();
        connection.setParsingExceptionCallback(unparseable -> {
            if (isSotto(unparseable)) {
                events.accept(malformed(unparseable.getContent(), unparseable.getParsingException()));
            } else if (previous != null) {
                previous.handleUnparsableStanza(unparseable);
            }
        });
    }

    /**
     * True if Sotto's provider refused the stanza. Smack hands over only the rest of the stanza after the point where
     * parsing failed (no start tag, often no namespace: an oversized payload fails in its text), so the exception
     * decides; the namespace in the rest is the fallback for XML errors inside a Sotto element.
     */
    private static boolean isSotto(UnparseableStanza unparseable) {
        for (Throwable t = unparseable.getParsingException(); t != null; t = t.getCause()) {
            if (t instanceof SottoParsingException) {
                return true;
            }
        }
        return unparseable.getContent().toString().contains(SottoEncrypted.NAMESPACE);
    }

    /**
     * The report of a stanza Smack could not parse. The sender is named when the rest of the stanza Smack kept still
     * shows it, else it is unknown.
     */
    private static SecurityEvent malformed(CharSequence content, Exception cause) {
        Matcher from = FROM_ATTRIBUTE.matcher(content);
        BareJid peer = null;
        Jid sender = null;
        if (from.find()) {
            try {
                sender = JidCreate.from(from.group(1));
                peer = sender.asBareJid();
            } catch (Exception e) {
                // An unparseable sender stays unknown in the event.
            }
        }
        return new SecurityEvent.UndecryptableStanza(peer, sender, null, UndecryptableReason.MALFORMED,
                String.valueOf(cause.getMessage()));
    }
}
