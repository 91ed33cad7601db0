package im.sotto.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

import im.sotto.protocol.link.LinkCode;
import im.sotto.protocol.link.LinkException;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import org.jxmpp.jid.EntityBareJid;

/**
 * The listening side of {@link HandOff}: while {@code listen} runs, {@code send} hands it the message,
 * {@code contacts} asks it for the table (with live presence), {@code devices approve} has it link a new device
 * ({@link LinkWatch}), and the other commands it takes ({@link HandOffViews}) what they show or change, instead of
 * failing on the store's lock (exit 5) and logging in a second time. Serves one request at a time (but an approval,
 * which waits for the new device and touches no store, beside them), each on its own daemon thread so that a client
 * that never writes blocks only itself.
 */
final class HandOffServer implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final Online online;
    private final String owner;
    /** The command serving the socket, as the answers name it: listen or chat. */
    private final String host;
    private final Object oneAtATime = new Object();
    /** The account's new device waiting to be linked, for devices approve. */
    private final LinkWatch links;
    private volatile boolean closed;

    private HandOffServer(Path socket, ServerSocketChannel server, Online online, String owner, String host) {
        this.host = host;
        this.links = LinkWatch.start(online.connection);
        this.socket = socket;
        this.server = server;
        this.online = online;
        this.owner = owner;
    }

    /**
     * Opens the socket in {@code accountDirectory}, which must be owner-only (0700); empty (with a line on
     * {@code progress}) when it cannot: listen then works as before, without the hand-off.
     */
    static Optional<HandOffServer> start(Online online, Path accountDirectory, PrintStream progress, String host) {
        Path socket = accountDirectory.resolve(HandOff.SOCKET);
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(accountDirectory));
            if (!mode.equals("rwx------")) {
                progress.println("No hand-off socket: " + accountDirectory + " is " + mode + ", not rwx------ "
                        + "(other commands wait for this " + host + " to end)");
                return Optional.empty();
            }
            // A socket file left by a listen that was killed: the store's lock, which we hold, says none runs.
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            HandOffServer handOff = new HandOffServer(socket, server, online,
                    Files.getOwner(accountDirectory).getName(), host);
            // Ctrl-C and SIGTERM end listen through StopSignals and exit: the socket goes with the process.
            Runtime.getRuntime().addShutdownHook(new Thread(handOff::close, "sotto-hand-off-close"));
            Thread acceptor = new Thread(handOff::acceptLoop, "sotto-hand-off");
            acceptor.setDaemon(true);
            acceptor.start();
            return Optional.of(handOff);
        } catch (IOException | UnsupportedOperationException e) {
            progress.println("No hand-off socket (" + Connector.rootMessage(e) + "); other commands wait for this "
                    + host + " to end");
            return Optional.empty();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                Thread handler = new Thread(() -> serve(client), "sotto-hand-off-request");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().getName().equals(owner)) {
                HandOffFrames.write(client, HandOff.encode(new HandOff.Answer(ExitCode.USAGE, "", "sotto: refused: the "
                        + "hand-off serves only " + owner + "\n")));
                return;
            }
            HandOff.Answer answer;
            try {
                HandOff.Request request = HandOff.parse(HandOffFrames.read(client));
                if (request instanceof HandOff.DevicesApprove approve) {
                    // Waits for the new device (up to its timeout) and touches no store: other requests go on.
                    HandOffFrames.write(client, HandOff.encode(approve(approve)));
                    return;
                }
                synchronized (oneAtATime) {
                    answer = request instanceof HandOff.Send send ? send(send)
                            : request instanceof HandOff.Contacts ? contacts()
                            : HandOffViews.answer(online, request);
                }
            } catch (HandOff.Refused e) {
                answer = new HandOff.Answer(ExitCode.USAGE, "", HandOffClient.REFUSED + e.getMessage() + "\n");
            }
            HandOffFrames.write(client, HandOff.encode(answer));
        } catch (IOException e) {
            // The client went away: nothing to answer.
        }
    }

    /** What {@code sotto send} does once logged in, on this listen's connection. */
    private HandOff.Answer send(HandOff.Send request) {
        ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);
        try {
            EntityBareJid peer = Jids.account(request.to());
            String body = MessageText.require(request.body());
            progress.println("Handed to the running " + host + " of " + online.opened.entry.jid() + " ...");
            // The manager's queue keeps what cannot go yet; nothing waiting there blocks this message.
            online.sendOrQueue(peer, body);
            return new HandOff.Answer(ExitCode.OK, "sent to " + peer + ", end-to-end encrypted, trust "
                    + TrustNames.of(online.manager.contact(peer)) + "\n",
                    progressBytes.toString(StandardCharsets.UTF_8));
        } catch (CliException e) {
            return new HandOff.Answer(e.exitCode(), "", progressBytes.toString(StandardCharsets.UTF_8) + "sotto: "
                    + e.getMessage() + "\n");
        }
    }

    /** What {@code sotto devices approve} does once logged in, on this listen's connection. */
    private HandOff.Answer approve(HandOff.DevicesApprove request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try {
            LinkCode code;
            try {
                code = LinkCode.parse(request.code());
            } catch (LinkException e) {
                throw LinkFailures.notLinked(e, "");
            }
            DevicesApproveCommand.approve(online.connection, online.opened.account, online.opened.entry.jid(), code,
                    Duration.ofSeconds(request.timeoutSeconds()), Optional.of(links),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(progress, true, StandardCharsets.UTF_8));
            return new HandOff.Answer(ExitCode.OK, out.toString(StandardCharsets.UTF_8),
                    progress.toString(StandardCharsets.UTF_8));
        } catch (CliException e) {
            return new HandOff.Answer(e.exitCode(), out.toString(StandardCharsets.UTF_8),
                    progress.toString(StandardCharsets.UTF_8) + "sotto: " + e.getMessage() + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HandOff.Answer(ExitCode.FAILED, "", "sotto: interrupted; nothing was linked\n");
        }
    }

    /** {@code sotto contacts}, with the presence this listen sees now. */
    private HandOff.Answer contacts() {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        Accounts.Opened opened = online.opened;
        ContactsTable.print(new ContactsTable.Sources(Contacts.devices(opened), Contacts.lastSeen(opened),
                contact -> online.manager.contact(Jids.account(contact)), online.subscriptions.cache(),
                Optional.of(contact -> online.subscriptions.presenceOf(Jids.account(contact))),
                Conversations.unreadCounter(opened.store)),
                new PrintStream(table, true, StandardCharsets.UTF_8));
        return new HandOff.Answer(ExitCode.OK, table.toString(StandardCharsets.UTF_8), "");
    }

    @Override
    public void close() {
        closed = true;
        links.close();
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // Left behind: the next listen deletes it.
        }
    }
}
