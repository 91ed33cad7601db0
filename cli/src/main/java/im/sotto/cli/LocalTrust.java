package im.sotto.cli;

import im.sotto.xmpp.SottoManager;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * The binding keeps trust decisions behind {@link SottoManager}; commands that only read or record them (contacts,
 * devices, trust) use a manager on a connection that is never opened.
 */
final class LocalTrust {
    private LocalTrust() {
    }

    static SottoManager manager(Accounts.Opened opened) {
        XMPPTCPConnection unopened = Connector.connection(opened.entry.jid(), new char[] {'-'}, "local",
                new Connector.Transport(java.util.Optional.empty(), java.util.Optional.empty(), false));
        return SottoManager.enable(unopened, opened.account);
    }
}
