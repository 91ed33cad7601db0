package im.sotto.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.xmpp.SottoManager;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto distrust JID}. */
@Command(name = "distrust", mixinStandardHelpOptions = true, description = {"Marks a contact's pinned account key as "
        + "DISTRUSTED: nothing is sent to it any more (messages are held, never sent in plaintext) until you verify "
        + "it again (sotto verify, or sotto trust after comparing fingerprints). What it sends is still shown, marked "
        + "DISTRUSTED. Works offline.",
        "--omemo-device ID (--omemo2-device ID for OMEMO 2) refuses one OMEMO device of the contact instead (sotto "
        + "devices JID lists them): one that is not theirs, or an old one they no longer use that keeps awaiting "
        + "your approval. Nothing is encrypted to it and what it sends is refused, until you verify it with sotto "
        + "trust JID --omemo-device ID."})
public final class DistrustCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
    String jid;

    @ArgGroup(exclusive = true)
    OmemoChoice omemo = new OmemoChoice();

    static final class OmemoChoice {
        @Option(names = "--omemo-device", paramLabel = "ID", description = "Distrust this OMEMO 0.3 device.")
        Long omemoDevice;

        @Option(names = "--omemo2-device", paramLabel = "ID", description = "Distrust this OMEMO 2 device.")
        Long omemo2Device;
    }

    @Override
    public Integer call() {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        if (omemo.omemoDevice != null || omemo.omemo2Device != null) {
            boolean two = omemo.omemo2Device != null;
            long id = two ? omemo.omemo2Device : omemo.omemoDevice;
            return LocalTrust.change(common, entry, new HandOff.DistrustOmemo(peer.toString(), two, id),
                    manager -> distrustOmemoDevice(manager, peer, two, id, System.out));
        }
        return LocalTrust.change(common, entry, new HandOff.Distrust(peer.toString()),
                manager -> decide(manager, peer, System.out));
    }

    /** Marks one OMEMO device the account has met DISTRUSTED, here or in a running listen. */
    static void distrustOmemoDevice(SottoManager manager, EntityBareJid peer, boolean two, long id, PrintStream out) {
        String version = TrustCommand.setOmemoLevel(manager, peer, two, id, OmemoTrustLevel.DISTRUSTED);
        out.println("Distrusted " + version + " device " + id + " of " + peer + ": nothing is encrypted to it and "
                + "what it sends is refused, until you verify it (sotto trust " + peer
                + (two ? " --omemo2-device " : " --omemo-device ") + id + ")");
    }

    /** What {@code sotto distrust} decides and prints, here or in a running listen. */
    static void decide(SottoManager manager, EntityBareJid peer, PrintStream out) {
        if (!manager.distrust(peer)) {
            throw new CliException(ExitCode.USAGE, "no key pinned for " + peer + " yet; nothing to distrust");
        }
        out.println(peer + " is now " + TrustNames.of(manager.contact(peer)) + ": nothing is sent to it");
    }
}
