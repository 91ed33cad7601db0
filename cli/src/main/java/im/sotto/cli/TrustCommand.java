package im.sotto.cli;

import java.util.concurrent.Callable;

import im.sotto.xmpp.SottoManager;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto trust JID}. */
@Command(name = "trust", mixinStandardHelpOptions = true, description = {"Marks a contact's pinned account key as "
        + "VERIFIED: do this after comparing its fingerprint (sotto fingerprint on their side) by a channel you trust; "
        + "sotto verify does the same through the SAS.",
        "After a key change (the contact presented a new account key, sending to it is held), --accept-new-key pins "
        + "the new key (unverified) and lets sending resume."})
public final class TrustCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
    String jid;

    @Option(names = "--accept-new-key", description = "Accept the new account key the contact presented.")
    boolean acceptNewKey;

    @Override
    public Integer call() {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            SottoManager manager = LocalTrust.manager(opened);
            if (acceptNewKey) {
                if (!manager.acceptNewKey(peer)) {
                    throw new CliException(ExitCode.USAGE, peer + " presented no new key; nothing to accept");
                }
                System.out.println("Accepted the new key of " + peer + ": " + manager.trustLevel(peer)
                        + "; compare it with sotto verify " + peer);
                return ExitCode.OK;
            }
            if (!manager.markVerified(peer)) {
                throw new CliException(ExitCode.NOT_VERIFIED, "no key pinned for " + peer + " yet: exchange a "
                        + "message first, then compare fingerprints");
            }
            System.out.println(peer + " is now " + manager.trustLevel(peer));
        }
        return ExitCode.OK;
    }
}
