package im.sotto.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.xmpp.ContactStatus;
import im.sotto.xmpp.SottoManager;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto trust JID}. */
@Command(name = "trust", mixinStandardHelpOptions = true, description = {"Marks a contact's pinned account key as "
        + "VERIFIED: do this after comparing its fingerprint (sotto fingerprint on their side) by a channel you trust; "
        + "sotto verify does the same through the SAS. Verifying approves the contact's devices awaiting approval "
        + "and lifts a distrust.",
        "--device ID approves one new device of a verified contact (sotto devices JID lists them); messages held "
        + "for it go out with the next command that logs in.",
        "After a key change (the contact presented a new account key, sending to it is held), --accept-new-key pins "
        + "the new key (UNVERIFIED) and lets the held messages go."})
public final class TrustCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
    String jid;

    @ArgGroup(exclusive = true)
    Choice choice = new Choice();

    static final class Choice {
        @Option(names = "--accept-new-key", description = "Accept the new account key the contact presented.")
        boolean acceptNewKey;

        @Option(names = "--device", paramLabel = "ID", description = "Approve this device of the contact.")
        Long device;
    }

    @Override
    public Integer call() {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        Optional<HandOff.Answer> fromListen = HandOffClient.change(entry.directory(), new HandOff.Trust(
                peer.toString(), choice.acceptNewKey, Optional.ofNullable(choice.device)));
        if (fromListen.isPresent()) { // a listen of the account holds the store: its manager decides
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            decide(LocalTrust.manager(opened), peer, choice.acceptNewKey, Optional.ofNullable(choice.device),
                    System.out);
        }
        return ExitCode.OK;
    }

    /** What {@code sotto trust} decides and prints, here or in a running listen (whose held messages then go out). */
    static void decide(SottoManager manager, EntityBareJid peer, boolean acceptNewKey, Optional<Long> device,
            PrintStream out) {
        if (acceptNewKey) {
            if (!manager.acceptNewKey(peer)) {
                throw new CliException(ExitCode.USAGE, peer + " presented no new key; nothing to accept");
            }
            out.println("Accepted the new key of " + peer + ": " + TrustNames.of(manager.contact(peer))
                    + "; compare it with sotto verify " + peer);
            return;
        }
        if (device.isPresent()) {
            if (!manager.approveDevice(peer, device.get())) {
                throw new CliException(ExitCode.USAGE, "device " + device.get() + " of " + peer + " is not "
                        + "awaiting approval; awaiting: " + manager.contact(peer)
                        .map(ContactStatus::pendingDevices).map(Object::toString).orElse("none"));
            }
            out.println("Approved device " + device.get() + " of " + peer + "; held messages go out "
                    + "with the next sotto send or listen");
            return;
        }
        if (!manager.markVerified(peer)) {
            throw new CliException(ExitCode.NOT_VERIFIED, "no key pinned for " + peer + " yet: exchange a "
                    + "message first, then compare fingerprints");
        }
        out.println(peer + " is now " + TrustNames.of(manager.contact(peer)));
    }
}
