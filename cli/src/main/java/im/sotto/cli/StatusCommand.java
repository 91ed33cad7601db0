package im.sotto.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.XMPPConnection;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sotto status}. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Logs in, publishes this device's bundle "
        + "and reads back from the server what peers will see: the account, this device, the fingerprint, the "
        + "device list and this device's bundle.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Override
    public Integer call() throws InterruptedException {
        Accounts.Entry entry = Accounts.choose(common);
        Optional<HandOff.Answer> fromListen = HandOffClient.read(entry.directory(), new HandOff.Status());
        if (fromListen.isPresent()) { // a listen of the account holds the store and a connection: it answers
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry);
             Online online = Online.connect(common, opened, null, System.err)) {
            return print(opened, online.connection, System.out);
        }
    }

    /** What {@code sotto status} prints once logged in (here or in a running listen); returns the exit code. */
    static int print(Accounts.Opened opened, XMPPConnection connection, PrintStream out) {
        Accounts.Entry entry = opened.entry;
        out.println("Account:     " + entry.jid() + " (logged in as " + connection.getUser() + ")");
        out.println("Device:      " + opened.account.device().deviceId());
        out.println("Fingerprint: " + opened.account.fingerprint().displayForm());
        Optional<String> damage = StoreCheck.damage(opened);
        out.println("Store:       " + entry.store() + " (" + (entry.passphrase() ? "passphrase"
                : "key file") + ")" + damage.map(d -> "; DAMAGED").orElse(""));
        damage.ifPresent(d -> out.println("Warning:     " + StoreCheck.warning(d)));
        BundlePublisher pep = new BundlePublisher(connection);
        DeviceId self = DeviceId.of((int) opened.account.device().deviceId());
        try {
            List<DeviceId> devices = pep.fetchDeviceList(entry.jid());
            byte[] bundle = pep.fetchBundle(entry.jid(), self);
            out.println("Server:      device list " + devices + (devices.contains(self)
                    ? " (this device listed)" : " (this device MISSING)") + "; this device's bundle published, "
                    + bundle.length + " bytes, readable by peers");
            return damage.isPresent() ? ExitCode.STORE : devices.contains(self) ? ExitCode.OK : ExitCode.FAILED;
        } catch (PepException e) {
            throw new CliException(ExitCode.CONNECTION, "the server does not return this device's bundle: "
                    + e.kind() + " (" + e.getMessage() + "); peers cannot start offline sessions", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted", e);
        }
    }
}
