package im.sotto.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import im.sotto.xmpp.ContactStatus;
import im.sotto.xmpp.SottoManager;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sotto devices JID}. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = {"Lists a contact's devices: device id, "
        + "protocol (Sotto, or OMEMO for a contact without Sotto, with its fingerprint as OMEMO clients show it), "
        + "status (APPROVED, or AWAITING APPROVAL for a new device of a verified contact: approve it with sotto trust "
        + "JID --device ID), whether this device has a session with it, last seen. Then the contact's trust and "
        + "certification. Works offline.", "sotto devices approve CODE links a new device of your own account (see "
        + "sotto account link).", "sotto devices without a JID lists your own devices (label, age, last heard); "
        + "sotto devices remove ID revokes one; sotto devices label TEXT names this one."},
        subcommands = {DevicesApproveCommand.class, DevicesRemoveCommand.class, DevicesLabelCommand.class})
public final class DevicesCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", arity = "0..1", description = "The contact, user@domain.")
    String jid;

    @Override
    public Integer call() {
        Accounts.Entry entry = Accounts.choose(common);
        Optional<String> contact = Optional.ofNullable(jid).map(j -> Jids.account(j).toString());
        Optional<HandOff.Answer> fromListen = HandOffClient.read(entry.directory(), new HandOff.Devices(contact));
        if (fromListen.isPresent()) { // a listen of the account holds the store: it answers
            return HandOffClient.print(fromListen.get());
        }
        if (jid == null) {
            try (Accounts.Opened opened = Accounts.open(common, entry)) {
                OwnDevicesView.print(common, entry, opened);   // your own devices: logs in to read the list
            }
            return ExitCode.OK;
        }
        EntityBareJid peer = Jids.account(jid);
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            print(opened, LocalTrust.manager(opened), peer, System.out);
        }
        return ExitCode.OK;
    }

    /**
     * The devices view of {@code peer} on {@code out}: what {@code sotto devices JID} prints, and {@code /devices} in
     * a chat ({@code local} reads trust: an unopened manager here, the chat's own there).
     */
    static void print(Accounts.Opened opened, SottoManager local, EntityBareJid peer, PrintStream out) {
        TreeSet<Long> withSession = new TreeSet<>();
        Contacts.devices(opened).getOrDefault(peer.toString(), java.util.List.of())
                .forEach(a -> withSession.add(a.deviceId()));
        Optional<ContactStatus> status = local.contact(peer);
        TreeSet<Long> all = new TreeSet<>(withSession);
        status.ifPresent(s -> {
            all.addAll(s.approvedDevices());
            all.addAll(s.pendingDevices());
        });
        if (all.isEmpty()) {
            if (OmemoDevicesView.print(local, peer, out) == 0) {
                out.println("No session with " + peer + " yet.");
            }
            return;
        }
        // The same record says when each device was last heard from (Contacts.lastSeen): no log to read.
        im.sotto.protocol.device.PeerDevices recorded = im.sotto.xmpp.AccountDevices.recorded(opened.account, peer);
        recorded.entries().forEach(e -> all.add(e.deviceId()));
        out.printf("%-12s %-18s %-8s %s%n", "DEVICE", "STATUS", "SESSION", "LAST SEEN");
        for (long device : all) {
            Instant last = recorded.entry(device).flatMap(im.sotto.protocol.device.PeerDevices.Entry::lastHeard)
                    .orElse(null);
            String state = status.map(s -> s.pendingDevices().contains(device) ? "AWAITING APPROVAL"
                    : s.level().name().equals("DISTRUSTED") ? "DISTRUSTED" : "APPROVED").orElse("UNAUTHENTICATED");
            im.sotto.protocol.device.DeviceEligibility.Verdict verdict = im.sotto.xmpp.AccountDevices.verdict(
                    opened.account, recorded, device);
            if (verdict != im.sotto.protocol.device.DeviceEligibility.Verdict.ELIGIBLE) {
                state = verdict.name();   // REVOKED or STALE: nothing is encrypted to it, whatever its trust
            }
            out.printf("%-12d %-18s %-8s %s%n", device, state, withSession.contains(device) ? "yes" : "no",
                    last == null ? "never" : last);
        }
        out.println("Trust: " + TrustNames.of(status) + status.map(s -> " ("
                + TrustNames.method(s.source()) + "), key "
                + s.fingerprint().shortForm()).orElse(""));
        status.map(TrustNames::notes).filter(n -> !n.isEmpty()).ifPresent(n -> out.println("Notes: " + n));
        OmemoDevicesView.print(local, peer, out);
    }
}
