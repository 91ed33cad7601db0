package im.sotto.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.protocol.omemo.OmemoTrustLevel;
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
        + "the new key (UNVERIFIED) and lets the held messages go.",
        "A contact without Sotto: --omemo-device ID (--omemo2-device ID for OMEMO 2) marks one of its OMEMO devices "
        + "VERIFIED once you compared its fingerprint (sotto devices JID) with the one its client shows; it then "
        + "gets your messages even when it was awaiting approval, and the contact's later new devices wait for "
        + "approval."})
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

        @Option(names = "--omemo-device", paramLabel = "ID", description = "Verify this OMEMO 0.3 device.")
        Long omemoDevice;

        @Option(names = "--omemo2-device", paramLabel = "ID", description = "Verify this OMEMO 2 device.")
        Long omemo2Device;
    }

    @Override
    public Integer call() {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        if (choice.omemoDevice != null || choice.omemo2Device != null) {
            boolean two = choice.omemo2Device != null;
            long id = two ? choice.omemo2Device : choice.omemoDevice;
            return LocalTrust.change(common, entry, new HandOff.TrustOmemo(peer.toString(), two, id),
                    manager -> verifyOmemoDevice(manager, peer, two, id, System.out));
        }
        Optional<Long> device = Optional.ofNullable(choice.device);
        return LocalTrust.change(common, entry, new HandOff.Trust(peer.toString(), choice.acceptNewKey, device),
                manager -> decide(manager, peer, choice.acceptNewKey, device, false, System.out));
    }

    /**
     * Marks one OMEMO device the account has met VERIFIED (it is a device of its own, trusted key by key), here or
     * in a running listen.
     */
    static void verifyOmemoDevice(SottoManager manager, EntityBareJid peer, boolean two, long id, PrintStream out) {
        String version = setOmemoLevel(manager, peer, two, id, OmemoTrustLevel.VERIFIED);
        out.println("Verified " + version + " device " + id + " of " + peer + ": messages are encrypted to it "
                + "from the next send on");
    }

    /**
     * Sets the level of one OMEMO device the account has met ({@code two}: OMEMO 2); returns the version's name.
     * A device never met is refused: there is no key to pin the decision to.
     */
    static String setOmemoLevel(SottoManager manager, EntityBareJid peer, boolean two, long id,
            OmemoTrustLevel level) {
        String version = two ? "OMEMO 2" : "OMEMO";
        boolean known = two ? manager.omemo().omemo2().setTrust(peer, id, level)
                : manager.omemo().setTrust(peer, id, level);
        if (!known) {
            throw new CliException(ExitCode.USAGE, "no " + version + " device " + id + " of " + peer + " met yet; "
                    + "sotto devices " + peer + " lists the ones met");
        }
        return version;
    }

    /**
     * What {@code sotto trust} decides and prints, here or in a running listen ({@code inListen}: its manager sends
     * the held messages at once).
     */
    static void decide(SottoManager manager, EntityBareJid peer, boolean acceptNewKey, Optional<Long> device,
            boolean inListen, PrintStream out) {
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
                    + (inListen ? "now, from the running listen" : "with the next sotto send or listen"));
            return;
        }
        if (!manager.markVerified(peer)) {
            throw new CliException(ExitCode.NOT_VERIFIED, "no key pinned for " + peer + " yet: exchange a "
                    + "message first, then compare fingerprints");
        }
        out.println(peer + " is now " + TrustNames.of(manager.contact(peer)));
    }
}
