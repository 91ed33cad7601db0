package im.sotto.cli;

import java.util.Optional;
import java.util.function.Consumer;

import im.sotto.xmpp.SottoManager;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * The binding keeps trust decisions behind {@link SottoManager}; commands that only read or record them (contacts,
 * devices, trust) use a manager on a connection that is never opened.
 */
final class LocalTrust {
    private LocalTrust() {
    }

    /**
     * A trust decision of a command: handed to the account's running listen when one runs (its manager holds the
     * store and decides), else made here on a local manager. Returns the exit code.
     */
    static int change(Common common, Accounts.Entry entry, HandOff.Request request, Consumer<SottoManager> here) {
        Optional<HandOff.Answer> fromListen = HandOffClient.change(entry.directory(), request);
        if (fromListen.isPresent()) {
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            here.accept(manager(opened));
        }
        return ExitCode.OK;
    }

    static SottoManager manager(Accounts.Opened opened) {
        XMPPTCPConnection unopened = Connector.connection(opened.entry.jid(), new char[] {'-'}, "local",
                new Connector.Transport(java.util.Optional.empty(), java.util.Optional.empty(), false));
        return SottoManager.enable(unopened, opened.account);
    }
}
