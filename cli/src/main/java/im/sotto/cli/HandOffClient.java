package im.sotto.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The asking side of {@link HandOff}: a command gives its work to the account's running listen, if one runs. */
final class HandOffClient {
    private HandOffClient() {
    }

    /** The running listen's answer; empty when none runs (no socket, or nobody accepts on it). */
    static Optional<HandOff.Answer> send(Path accountDirectory, String to, String body) {
        return ask(accountDirectory, true, new HandOff.Send(to, body));
    }

    static Optional<HandOff.Answer> contacts(Path accountDirectory) {
        return read(accountDirectory, new HandOff.Contacts());
    }

    /**
     * The running listen's answer to a request that only reads ({@code contacts}, {@code outbox}, {@code devices},
     * {@code fingerprint}, {@code status}); empty when none runs or it cannot answer (an older listen refuses the
     * request): the command then does the work itself.
     */
    static Optional<HandOff.Answer> read(Path accountDirectory, HandOff.Request request) {
        return ask(accountDirectory, false, request).filter(answer ->
                !answer.err().startsWith(REFUSED));
    }

    /**
     * The running listen's answer to a request that changes the account ({@code trust}, {@code distrust}); empty when
     * none runs or it does not take the request. A failure after the request left is an error: it may have been done.
     */
    static Optional<HandOff.Answer> change(Path accountDirectory, HandOff.Request request) {
        return ask(accountDirectory, true, request).filter(answer ->
                !answer.err().startsWith(REFUSED));
    }

    /**
     * Whether a listen or chat of the account serves its hand-off socket: something accepts on it. Asked only after
     * the store was found in use, to say what holds it.
     */
    static boolean listening(Path accountDirectory) {
        Path socket = accountDirectory.resolve(HandOff.SOCKET);
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;   // closed without a request: the listen's handler finds the frame ended and does nothing
        } catch (IOException e) {
            return false;
        }
    }

    /** How a listen starts the answer to a request it does not take (an older listen: fewer requests). */
    static final String REFUSED = "sotto: refused by the running listen: ";

    /** Prints a listen's answer as the command's own output; returns its exit code. */
    static int print(HandOff.Answer answer) {
        System.out.print(answer.out());
        System.err.print(answer.err());
        return answer.exit();
    }

    /** The JDK's documented property naming the selector provider, read once, when a channel is first opened. */
    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";
    /** The provider the JDK picks by default on Linux. */
    private static final String LINUX_DEFAULT_PROVIDER = "sun.nio.ch.EPollSelectorProvider";

    /**
     * Names the selector provider the JDK would pick anyway on Linux, so that opening the socket does not look for
     * another one as a service in every jar on the class path first: 0.04–0.06 s of a hand-off's 0.3 s. Nothing is
     * named where that class is not the JDK's own or another was named already (the lookup then runs as usual).
     */
    private static void nameTheSelectorProvider() {
        if (System.getProperty(SELECTOR_PROVIDER) != null || !"Linux".equals(System.getProperty("os.name"))) {
            return;
        }
        try {
            Class.forName(LINUX_DEFAULT_PROVIDER, false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException notThisJdk) {
            return;
        }
        System.setProperty(SELECTOR_PROVIDER, LINUX_DEFAULT_PROVIDER);
    }

    /** {@code changes}: whether a failure after the request left may have done it (then it is not repeated here). */
    private static Optional<HandOff.Answer> ask(Path accountDirectory, boolean changes, HandOff.Request request) {
        Path socket = accountDirectory.resolve(HandOff.SOCKET);
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        SocketChannel channel;
        try {
            nameTheSelectorProvider();
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return Optional.empty(); // left by a listen that was killed: do the work here
        }
        try (channel) {
            HandOffFrames.write(channel, HandOff.encode(request));
            return Optional.of(HandOff.parseAnswer(HandOffFrames.read(channel)));
        } catch (IOException | HandOff.Refused e) {
            if (!changes) {
                return Optional.empty();
            }
            // It may have been done before the listen failed: doing it again here could send a message twice.
            throw new CliException(ExitCode.FAILED, "the running listen of this account did not answer ("
                    + Connector.rootMessage(e) + "); " + (request instanceof HandOff.Send ? "the message may or may "
                    + "not have been sent, check before sending it again" : "it may or may not have done it, check "
                    + "before trying again"));
        }
    }
}
