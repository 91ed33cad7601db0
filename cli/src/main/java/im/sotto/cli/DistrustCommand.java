package im.sotto.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.xmpp.SottoManager;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sotto distrust JID}. */
@Command(name = "distrust", mixinStandardHelpOptions = true, description = {"Marks a contact's pinned account key as "
        + "DISTRUSTED: nothing is sent to it any more (messages are held, never sent in plaintext) until you verify "
        + "it again (sotto verify, or sotto trust after comparing fingerprints). What it sends is still shown, marked "
        + "DISTRUSTED. Works offline."})
public final class DistrustCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
    String jid;

    @Override
    public Integer call() {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        Optional<HandOff.Answer> fromListen = HandOffClient.change(entry.directory(),
                new HandOff.Distrust(peer.toString()));
        if (fromListen.isPresent()) { // a listen of the account holds the store: its manager decides
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            decide(LocalTrust.manager(opened), peer, System.out);
        }
        return ExitCode.OK;
    }

    /** What {@code sotto distrust} decides and prints, here or in a running listen. */
    static void decide(SottoManager manager, EntityBareJid peer, PrintStream out) {
        if (!manager.distrust(peer)) {
            throw new CliException(ExitCode.USAGE, "no key pinned for " + peer + " yet; nothing to distrust");
        }
        out.println(peer + " is now " + TrustNames.of(manager.contact(peer)) + ": nothing is sent to it");
    }
}
