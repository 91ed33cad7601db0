package im.sotto.cli;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import im.sotto.protocol.link.LinkApprover;
import im.sotto.protocol.link.LinkCode;
import im.sotto.protocol.link.LinkException;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.link.LinkChannel;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto devices approve CODE}: links the device that shows CODE to this device's account. */
@Command(name = "approve", mixinStandardHelpOptions = true, description = {"Links a new device to this account: "
        + "give the code that sotto account link shows on it. The code is checked with a PAKE (the server learns "
        + "nothing); only then does this device certify the new device's key and hand over the account key, sealed.",
        "A wrong or expired code links nothing, on both devices. While a listen or chat of the account runs, it "
        + "links the new device on its connection."})
final class DevicesApproveCommand implements Callable<Integer> {
    /** The new device is already waiting when the user types its code; a minute covers a slow login on both. */
    static final long DEFAULT_TIMEOUT_SECONDS = 60;

    @Mixin
    Common common;

    @Parameters(paramLabel = "CODE", arity = "0..1",
            description = "The link code the new device shows, e.g. 7KQ2-M9XD.")
    String code;

    @Option(names = "--code", paramLabel = "CODE", description = "The same, as an option (for scripts).")
    String codeOption;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the new device to "
            + "show up and answer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds <= 0) {
            throw new CliException(ExitCode.USAGE, "--timeout must be positive");
        }
        if ((code == null) == (codeOption == null)) {
            throw new CliException(ExitCode.USAGE, "give the link code the new device shows, once: sotto devices "
                    + "approve CODE (or --code CODE), e.g. sotto devices approve 7KQ2-M9XD");
        }
        LinkCode linkCode;
        try {
            linkCode = LinkCode.parse(code != null ? code : codeOption);
        } catch (LinkException e) {
            throw LinkFailures.notLinked(e, "");
        }
        Accounts.Entry entry = Accounts.choose(common);
        // A running listen or chat of the account approves on its own connection (it knows the waiting device).
        Optional<HandOff.Answer> fromListen = HandOffClient.change(entry.directory(),
                new HandOff.DevicesApprove(linkCode.display(), Math.min(timeoutSeconds, HandOff.MAX_APPROVE_SECONDS)));
        if (fromListen.isPresent()) {
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            Connector.Transport transport = Online.transport(common, entry);
            char[] password = Secrets.password(common, entry.jid().toString());
            XMPPTCPConnection connection;
            try {
                connection = Connector.connection(entry.jid(), password, "sotto-approve-"
                        + UUID.randomUUID().toString().substring(0, 8), transport, false);
            } finally {
                Arrays.fill(password, '\0');
            }
            Connector.connectAndLogin(connection, entry.jid(), transport);
            try {
                approve(connection, opened.account, entry.jid(), linkCode, Duration.ofSeconds(timeoutSeconds),
                        Optional.empty(), System.out, System.err);
            } finally {
                connection.disconnect();
            }
        }
        return ExitCode.OK;
    }

    /**
     * Links the new device that waits on {@code connection}'s account. {@code watched}: present on a running listen's
     * connection (its LinkWatch), which must not announce itself again at priority -1; then the device it saw waiting
     * is taken, or one that announces itself meanwhile. Empty on a connection of this command's own, which announces
     * itself and so learns the waiting device from the server.
     */
    static void approve(XMPPConnection connection, SottoAccount account, EntityBareJid jid, LinkCode code,
            Duration timeout, Optional<LinkWatch> watched, PrintStream out, PrintStream progress)
            throws InterruptedException {
        Clock clock = Clock.systemUTC();
        BlockingQueue<LinkChannel.Incoming> inbox = new LinkedBlockingQueue<>();
        CompletableFuture<EntityFullJid> waiting = new CompletableFuture<>();
        try (LinkChannel channel = LinkChannel.open(connection, inbox::add, waiting::complete)) {
            if (watched.isPresent()) {
                watched.get().waiting().ifPresent(waiting::complete);
            } else {
                channel.announce(false);
            }
            progress.println("Looking for the new device of " + jid + " ...");
            EntityFullJid newDevice;
            try {
                newDevice = waiting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new CliException(ExitCode.NOT_LINKED, "not linked: no new device of " + jid + " is waiting "
                        + "to be linked; run sotto account link " + jid + " on it first, then approve the code it "
                        + "shows", e);
            }
            LinkApprover approver = LinkApprover.start(account.identity(), account.device().certificate(),
                    jid.toString(), code, new SecureRandom());
            channel.send(newDevice, approver.offer());
            Instant deadline = clock.instant().plus(timeout);
            while (true) {
                Duration left = Duration.between(clock.instant(), deadline);
                LinkChannel.Incoming incoming = left.isNegative() ? null
                        : inbox.poll(left.toMillis() + 1, TimeUnit.MILLISECONDS);
                if (incoming == null) {
                    throw new CliException(ExitCode.NOT_LINKED, "not linked: the new device did not answer; nothing "
                            + "was linked");
                }
                if (!incoming.from().equals(newDevice)) {
                    continue; // another resource of the account: not the device this approval talks to
                }
                try {
                    LinkApprover.Approval approval = approver.handle(incoming.message(), clock.instant());
                    channel.send(newDevice, approval.grant());
                    out.println("Approved device " + approval.certificate().deviceId() + " ("
                            + newDevice.getResourcepart() + ") as a device of " + jid + ", key "
                            + account.fingerprint().shortForm());
                    return;
                } catch (LinkException e) {
                    if (e.endsAttempt()) {
                        if (e.abortForPeer().isPresent()) {
                            channel.send(newDevice, e.abortForPeer().get());
                        }
                        throw LinkFailures.notLinked(e, "Check the code the new device shows, or run sotto account "
                                + "link there again for a new one.");
                    }
                }
            }
        } catch (SmackException.NotConnectedException e) {
            throw new CliException(ExitCode.CONNECTION, "the connection closed while linking", e);
        }
    }
}
