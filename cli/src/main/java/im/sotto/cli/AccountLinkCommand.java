package im.sotto.cli;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.link.LinkCode;
import im.sotto.protocol.link.LinkException;
import im.sotto.protocol.link.LinkRequester;
import im.sotto.xmpp.AccountDevices;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.link.LinkChannel;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto account link JID}: makes this home a new device of an account that has Sotto on another device. */
@Command(name = "link", mixinStandardHelpOptions = true, description = {"Makes this home a new device of an account "
        + "that already has Sotto elsewhere: prints a one-time link code and waits (up to 5 minutes) until it is "
        + "approved on a device of the account with sotto devices approve CODE.",
        "The two devices check the code with a PAKE (CPace) over the server, which learns nothing of it; the existing "
        + "device then certifies this device's key and hands over the account key, sealed. Contacts see a new "
        + "device of the same account, not a key change. Store options as for sotto account add."})
final class AccountLinkCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", description = "The account, user@domain.")
    String jid;

    @Option(names = "--no-passphrase", description = "Protect the store with an owner-only key file instead of a "
            + "passphrase.")
    boolean noPassphrase;

    @Option(names = "--label", paramLabel = "TEXT", description = "Names this device (\"laptop\") in the list sotto "
            + "devices shows on every device of the account; signed with the account key, published in the clear.")
    String label;

    @Override
    public Integer call() throws Exception {
        EntityBareJid account = Jids.account(jid);
        if (label != null) {
            DevicesLabelCommand.check(label);
        }
        NewAccountHome home = NewAccountHome.prepare(common, account, noPassphrase);
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        char[] password = Secrets.password(common, account.toString());
        try {
            LinkRequester requester = LinkRequester.create(account.toString(), random, clock.instant());
            LinkRequester.Linked linked = awaitApproval(account, password, home.transport, requester, clock);
            SottoAccount created = home.create(common, store -> SottoAccount.openLinkedDevice(store, linked.account(),
                    linked.device(), random, clock));
            home.publish(common, password, () -> {
                System.out.println("Linked " + account + " (device " + created.device().deviceId() + ")");
                System.out.println("Fingerprint: " + created.fingerprint().displayForm());
                System.out.println("Store: " + home.storeDescription());
            });
            // The label also dates the device's joining (the age sotto devices shows): published even without a
            // label, as an empty one.
            try (Accounts.Opened opened = Accounts.open(common, home.entry)) {
                OwnAccountConnection.run(common, home.entry, password, "publish this device's label", connection -> {
                    AccountDevices.label(opened.account, connection, label == null ? "" : label, clock.instant());
                    return null;
                });
            } catch (CliException e) {
                // The device is linked all the same: a script must not take it for a failed link.
                System.err.println("The device is linked, but its label was not published (" + e.getMessage()
                        + "); run sotto devices label TEXT on it later.");
            }
        } finally {
            Arrays.fill(password, '\0');
        }
        return ExitCode.OK;
    }

    private static LinkRequester.Linked awaitApproval(EntityBareJid account, char[] password,
            Connector.Transport transport, LinkRequester requester, Clock clock) throws InterruptedException {
        XMPPTCPConnection connection = Connector.connection(account, password, "sotto-link-"
                + UUID.randomUUID().toString().substring(0, 8), transport, false);
        Connector.connectAndLogin(connection, account, transport);
        if (ServerDevices.listed(connection, account).isEmpty()) {
            connection.disconnect();
            throw new CliException(ExitCode.NOT_LINKED, "not linked: the server lists no Sotto device of " + account
                    + ", so there is none to approve this one; to start using Sotto with it, run sotto account add "
                    + account);
        }
        BlockingQueue<LinkChannel.Incoming> inbox = new LinkedBlockingQueue<>();
        try (LinkChannel channel = LinkChannel.open(connection, inbox::add, waiting -> { })) {
            channel.announce(true);
            LinkCode code = requester.code();
            System.out.println("Link code: " + code.display());
            System.err.println("On a device of " + account + " that has Sotto, run: sotto devices approve "
                    + code.display() + " (the code expires in " + LinkCode.LIFETIME.toMinutes() + " minutes). "
                    + "Waiting ...");
            while (true) {
                Duration left = Duration.between(clock.instant(), requester.expiresAt());
                LinkChannel.Incoming incoming = left.isNegative() ? null
                        : inbox.poll(left.toMillis() + 1, TimeUnit.MILLISECONDS);
                if (incoming == null) {
                    throw new CliException(ExitCode.NOT_LINKED, "not linked: the link code expired before a device "
                            + "approved it; nothing was linked. Run sotto account link " + account + " again.");
                }
                try {
                    LinkRequester.Step step = requester.handle(incoming.message(), clock.instant());
                    if (step instanceof LinkRequester.Linked linked) {
                        return linked;
                    }
                    channel.send(incoming.from(), ((LinkRequester.Reply) step).message());
                    System.err.println("A device of the account answered (" + incoming.from().getResourcepart()
                            + "); checking the code ...");
                } catch (LinkException e) {
                    if (e.endsAttempt()) {
                        if (e.abortForPeer().isPresent()) {
                            channel.send(incoming.from(), e.abortForPeer().get());
                        }
                        throw LinkFailures.notLinked(e, "Run sotto account link " + account + " again for a new "
                                + "code.");
                    }
                    // Not part of this attempt (a replay, another session, garbage): changed nothing; keep waiting.
                }
            }
        } catch (SmackException.NotConnectedException e) {
            throw new CliException(ExitCode.CONNECTION, "the connection closed while linking; nothing was linked", e);
        } finally {
            connection.disconnect();
        }
    }
}
