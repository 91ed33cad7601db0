package im.sotto.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.TrustLevel;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sotto devices JID}. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "Lists a contact's devices this device has "
        + "sessions with: device id, trust level (devices are certified by the account key, so they share the "
        + "account's), last seen. Works offline.")
public final class DevicesCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
    String jid;

    @Override
    public Integer call() {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            List<SessionAddress> devices = Contacts.devices(opened).getOrDefault(peer.toString(), List.of());
            if (devices.isEmpty()) {
                System.out.println("No session with " + peer + " yet.");
                return ExitCode.OK;
            }
            TrustLevel trust = LocalTrust.manager(opened).trustLevel(peer);
            Map<SessionAddress, Instant> seen = Contacts.lastSeen(opened);
            System.out.printf("%-12s %-22s %s%n", "DEVICE", "TRUST", "LAST SEEN");
            for (SessionAddress device : devices) {
                Instant last = seen.get(device);
                System.out.printf("%-12d %-22s %s%n", device.deviceId(), trust, last == null ? "never" : last);
            }
        }
        return ExitCode.OK;
    }
}
