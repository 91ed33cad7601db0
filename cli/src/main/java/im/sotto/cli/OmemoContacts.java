package im.sotto.cli;

import java.io.PrintStream;
import java.util.List;

import im.sotto.protocol.store.SessionAddress;

/**
 * The contacts {@code sotto contacts} met only through OMEMO (no Sotto session), read from the store without a
 * connection, each with the number of its OMEMO devices and what OMEMO does not give.
 */
final class OmemoContacts {
    private OmemoContacts() {
    }

    static void print(Accounts.Opened opened, PrintStream out) {
        List<SessionAddress> omemoDevices = opened.account.store()
                .transact(s -> s.omemo().identities().allTrustedDevices());
        java.util.Set<String> sotto = Contacts.devices(opened).keySet();
        List<String> omemoOnly = omemoDevices.stream().map(SessionAddress::peer).distinct()
                .filter(peer -> !sotto.contains(peer)).sorted().toList();
        for (String contact : omemoOnly) {
            long devices = omemoDevices.stream().filter(d -> d.peer().equals(contact)).count();
            out.println(String.format("%-32s %-16s %-8d %s", contact, "OMEMO", devices,
                    "OMEMO only: sotto devices " + contact).stripTrailing());
        }
        List<SessionAddress> omemo2Devices = opened.account.store()
                .transact(s -> s.omemo2().identities().allTrustedDevices());
        List<String> omemo2Only = omemo2Devices.stream().map(SessionAddress::peer).distinct()
                .filter(peer -> !sotto.contains(peer)).sorted().toList();
        for (String contact : omemo2Only) {
            long devices = omemo2Devices.stream().filter(d -> d.peer().equals(contact)).count();
            out.println(String.format("%-32s %-16s %-8d %s", contact, "OMEMO 2", devices,
                    "OMEMO only: sotto devices " + contact).stripTrailing());
        }
        if (!omemoOnly.isEmpty()) {
            out.println(OmemoDevicesView.LIMITS);
        }
        if (!omemo2Only.isEmpty()) {
            out.println(OmemoDevicesView.LIMITS_2);
        }
    }
}
