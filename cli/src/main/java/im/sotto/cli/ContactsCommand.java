package im.sotto.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.SottoManager;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sotto contacts}. */
@Command(name = "contacts", mixinStandardHelpOptions = true, description = "Lists the accounts this device has "
        + "encrypted sessions with: trust level, number of devices, last seen. Works offline.")
public final class ContactsCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Override
    public Integer call() {
        Accounts.Entry entry = Accounts.choose(common);
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            Map<String, List<SessionAddress>> devices = Contacts.devices(opened);
            if (devices.isEmpty()) {
                System.out.println("No contacts yet: send a message (sotto send JID TEXT) or wait for one.");
                return ExitCode.OK;
            }
            Map<SessionAddress, Instant> seen = Contacts.lastSeen(opened);
            SottoManager trust = LocalTrust.manager(opened);
            System.out.printf("%-32s %-22s %-8s %s%n", "CONTACT", "TRUST", "DEVICES", "LAST SEEN");
            for (Map.Entry<String, List<SessionAddress>> contact : devices.entrySet()) {
                Instant last = contact.getValue().stream().map(seen::get).filter(java.util.Objects::nonNull)
                        .max(Instant::compareTo).orElse(null);
                System.out.printf("%-32s %-22s %-8d %s%n", contact.getKey(),
                        trust.trustLevel(Jids.account(contact.getKey())), contact.getValue().size(),
                        last == null ? "never" : last.toString());
            }
        }
        return ExitCode.OK;
    }
}
