package im.sotto.cli;

import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/** Parsing the JIDs users type. */
public final class Jids {
    private Jids() {
    }

    /** An account address, {@code user@domain}; a resource is refused. */
    public static EntityBareJid account(String text) {
        try {
            if (text.indexOf('/') >= 0) {
                throw new CliException(ExitCode.USAGE, text + " has a resource; give the account, user@domain");
            }
            return JidCreate.entityBareFrom(text);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "'" + text + "' is not an XMPP address: expected user@domain");
        }
    }
}
