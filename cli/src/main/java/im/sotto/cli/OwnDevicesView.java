package im.sotto.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import im.sotto.xmpp.AccountDevices;

/**
 * {@code sotto devices} without a JID: the account's own devices as the server lists them, with their signed labels,
 * how long each has been a device of the account (from its label), and when this device last heard from it.
 */
final class OwnDevicesView {
    private OwnDevicesView() {
    }

    static void print(Common common, Accounts.Entry entry, Accounts.Opened opened) {
        print(OwnAccountConnection.run(common, entry, "read the account's devices",
                connection -> AccountDevices.list(opened.account, connection)), System.out);
    }

    /** The table of {@code devices}, as the server lists them (read here, or by a running listen). */
    static void print(List<AccountDevices.Listed> devices, java.io.PrintStream out) {
        Instant now = Instant.now();
        String format = "%-16s %-20s %-8s %-10s %s%n";
        out.printf(format, "DEVICE", "LABEL", "AGE", "STATUS", "LAST HEARD");
        for (AccountDevices.Listed d : devices) {
            out.printf(format, d.deviceId() + (d.thisDevice() ? " (this)" : ""),
                    d.label().map(l -> l.label().isEmpty() ? "-" : l.label()).orElse("-"),
                    d.label().map(l -> age(Duration.between(l.since(), now))).orElse("-"),
                    d.revoked() ? "REVOKED" : "listed",
                    d.thisDevice() ? "-" : d.lastHeard().map(Instant::toString).orElse("never"));
        }
        out.println("The device list holds at most 64 devices; sotto devices remove ID revokes one.");
    }

    /** Days, else hours, else minutes: enough to tell last week's phone from last year's laptop. */
    static String age(Duration age) {
        if (age.toDays() > 0) {
            return age.toDays() + "d";
        }
        if (age.toHours() > 0) {
            return age.toHours() + "h";
        }
        return Math.max(0, age.toMinutes()) + "m";
    }
}
