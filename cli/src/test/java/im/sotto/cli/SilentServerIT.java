package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #18: a plaintext connection to a port that accepts and never answers timed out with Smack's "while waiting
 * for establishing TLS", on a connection that never asked for TLS. Now it says what happened.
 */
class SilentServerIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aSilentPlaintextServerTimesOutWithoutMentioningTls() throws Exception {
        prosody.add("alice");
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            CliProcess.Run run = prosody.sotto(prosody.env("alice"), "send", "--server",
                    "127.0.0.1:" + silent.getLocalPort(), prosody.jid("bob"), "hi");
            assertEquals(ExitCode.CONNECTION, run.exit(), run.toString());
            String error = CliProcess.oneLineError(run);
            assertTrue(error.contains("accepted the connection but sent no XMPP answer"), error);
            assertFalse(error.contains("TLS"), error);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
