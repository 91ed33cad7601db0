package im.sotto.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.ContactStatus;
import im.sotto.xmpp.SottoManager;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sotto contacts}. */
@Command(name = "contacts", mixinStandardHelpOptions = true, description = {"Lists the accounts this device has "
        + "encrypted sessions with: trust (UNAUTHENTICATED, UNVERIFIED, VERIFIED, CERTIFIED or DISTRUSTED), number "
        + "of devices, last seen, and notes: devices awaiting approval, a changed account key, a certification. "
        + "Works offline."})
public final class ContactsCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Override
    public Integer call() {
        Accounts.Entry entry = Accounts.choose(common);
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            Map<String, List<SessionAddress>> devices = Contacts.devices(opened);
            SottoManager trust = LocalTrust.manager(opened);
            List<String> omemoOnly = new java.util.ArrayList<>(trust.omemo().contacts());
            omemoOnly.removeAll(devices.keySet());
            if (devices.isEmpty() && omemoOnly.isEmpty()) {
                System.out.println("No contacts yet: send a message (sotto send JID TEXT) or wait for one.");
                return ExitCode.OK;
            }
            Map<SessionAddress, Instant> seen = Contacts.lastSeen(opened);
            System.out.printf("%-32s %-16s %-8s %-30s %s%n", "CONTACT", "TRUST", "DEVICES", "LAST SEEN", "NOTES");
            for (Map.Entry<String, List<SessionAddress>> contact : devices.entrySet()) {
                Instant last = contact.getValue().stream().map(seen::get).filter(java.util.Objects::nonNull)
                        .max(Instant::compareTo).orElse(null);
                Optional<ContactStatus> status = trust.contact(Jids.account(contact.getKey()));
                System.out.println(String.format("%-32s %-16s %-8d %-30s %s", contact.getKey(),
                        TrustNames.of(status), contact.getValue().size(), last == null ? "never" : last.toString(),
                        status.map(TrustNames::notes).orElse("")).stripTrailing());
            }
            for (String contact : omemoOnly) {
                System.out.println(String.format("%-32s %-16s %-8d %-30s %s", contact, "OMEMO",
                        trust.omemo().devices(Jids.account(contact)).size(), "-", "OMEMO only: sotto devices "
                        + contact).stripTrailing());
            }
            if (!omemoOnly.isEmpty()) {
                System.out.println(OmemoDevicesView.LIMITS);
            }
        }
        return ExitCode.OK;
    }
}
