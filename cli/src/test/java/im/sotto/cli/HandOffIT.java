package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * While a listen of the account runs, send hands it the message, and contacts, outbox, devices, fingerprint and
 * status ask it what they show, over the owner-only socket instead of exiting 5; the socket's permissions, and what
 * it refuses, against Prosody.
 */
class HandOffIT {
    private static final long WAIT_SECONDS = 60;

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void commandsGoThroughARunningListenAndTheSocketIsOwnerOnlyAndRefusesMalformedRequests() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        Map<String, String> alice = prosody.env("alice");
        String bobJid = prosody.jid("bob");
        Path accountDirectory = prosody.temp().resolve("alice").resolve(prosody.jid("alice"));
        Path socket = accountDirectory.resolve(HandOff.SOCKET);

        // bob writes first, so that alice's listen pins his key (a trust decision needs one).
        prosody.ok(prosody.env("bob"), "send", prosody.jid("alice"), "hello", "alice");
        CliProcess.Started listen = CliProcess.start(alice, "listen", "--json", "--timeout", "120");
        listen.awaitOutput("\"event\":\"ready\"", WAIT_SECONDS);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(accountDirectory)));

        // Malformed requests: an unknown field, another request type, a length beyond the limit. Each is refused
        // with exit code 2 and nothing is sent.
        assertTrue(ask(socket, frame("{\"v\":1,\"request\":\"send\",\"to\":\"" + bobJid + "\",\"body\":\"x\","
                + "\"as\":\"mallory\"}")).contains("\"exit\":2"), "an unknown field is refused");
        assertTrue(ask(socket, frame("{\"v\":1,\"request\":\"export-keys\"}"))
                .contains("the requests are certify, contacts, devices, devices-approve, devices-remove, distrust, "
                        + "distrust-omemo, fingerprint, outbox, outbox-drop, send, status, trust, trust-omemo, verify, "
                        + "verify-answer"));
        assertTrue(ask(socket, frame("{\"v\":1,\"request\":\"fingerprint\",\"qr\":\"yes\"}"))
                .contains("\"exit\":2"), "a field of the wrong type is refused");
        ByteBuffer huge = ByteBuffer.allocate(4).putInt(HandOff.MAX_FRAME_BYTES + 1).flip();
        assertTrue(ask(socket, huge).contains("outside 1.." + HandOff.MAX_FRAME_BYTES), "an oversized frame");
        assertTrue(ask(socket, frame("{\"v\":1,\"request\":\"send\",\"to\":\"" + bobJid
                + "\",\"body\":\"bell\\u0007\"}"))
                .contains("\"exit\":9"), "a body XML cannot carry is refused as send refuses it");

        // Before, this exited 5 ("another sotto process is using it").
        CliProcess.Run sent = prosody.sotto(alice, "send", bobJid, "handed", "to", "listen");
        assertEquals(0, sent.exit(), sent.toString());
        assertTrue(sent.out().startsWith("sent to " + bobJid + ", end-to-end encrypted"), sent.toString());
        assertTrue(sent.err().contains("Handed to the running listen of " + prosody.jid("alice")), sent.toString());

        // contacts too: answered by the listen (which holds the store), with the presence it sees now.
        CliProcess.Run contacts = prosody.sotto(alice, "contacts");
        assertEquals(0, contacts.exit(), contacts.toString());
        assertTrue(contacts.out().lines().anyMatch(l -> l.startsWith(bobJid + " ")), contacts.toString());
        assertFalse(contacts.out().contains("sotto contacts --online asks the server"), "live, not the cache: "
                + contacts);

        // The commands that only read are answered by the listen too (each exited 5 before), as they print alone.
        CliProcess.Run fingerprint = prosody.sotto(alice, "fingerprint");
        assertEquals(0, fingerprint.exit(), fingerprint.toString());
        assertTrue(fingerprint.out().startsWith(prosody.jid("alice") + " "), fingerprint.toString());
        CliProcess.Run outbox = prosody.sotto(alice, "outbox");
        assertEquals(0, outbox.exit(), outbox.toString());
        assertTrue(outbox.out().startsWith("The outbox is empty"), outbox.toString());
        CliProcess.Run bobsDevices = prosody.sotto(alice, "devices", bobJid);
        assertEquals(0, bobsDevices.exit(), bobsDevices.toString());
        assertTrue(bobsDevices.out().startsWith("DEVICE ") && bobsDevices.out().contains("Trust: "),
                bobsDevices.toString());
        CliProcess.Run ownDevices = prosody.sotto(alice, "devices");
        assertEquals(0, ownDevices.exit(), ownDevices.toString());
        assertTrue(ownDevices.out().lines().anyMatch(l -> l.contains("(this)")), ownDevices.toString());
        CliProcess.Run status = prosody.sotto(alice, "status");
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("(this device listed)"), status.toString());
        assertFalse(status.err().contains("Connecting to"), "no second login: " + status);
        // Trust decisions are taken by the listen's manager (once it has read bob's message).
        listen.awaitOutput("hello alice", WAIT_SECONDS);
        CliProcess.Run trusted = prosody.sotto(alice, "trust", bobJid);
        assertEquals(0, trusted.exit(), trusted.toString());
        assertTrue(trusted.out().startsWith(bobJid + " is now VERIFIED"), trusted.toString());
        CliProcess.Run distrusted = prosody.sotto(alice, "distrust", bobJid);
        assertEquals(0, distrusted.exit(), distrusted.toString());
        assertTrue(distrusted.out().contains("nothing is sent to it"), distrusted.toString());
        // The commands that change the store are taken by the listen too (each exited 5 before): OMEMO trust,
        // outbox drop, devices remove, with their own answers and errors.
        CliProcess.Run omemoTrust = prosody.sotto(alice, "trust", bobJid, "--omemo-device", "12345");
        assertEquals(2, omemoTrust.exit(), omemoTrust.toString());
        assertTrue(omemoTrust.err().contains("no OMEMO device 12345 of " + bobJid + " met yet"), omemoTrust.toString());
        CliProcess.Run omemoDistrust = prosody.sotto(alice, "distrust", bobJid, "--omemo2-device", "12345");
        assertEquals(2, omemoDistrust.exit(), omemoDistrust.toString());
        assertTrue(omemoDistrust.err().contains("no OMEMO 2 device 12345 of " + bobJid + " met yet"),
                omemoDistrust.toString());
        String nobody = "nobody-" + System.nanoTime() + "@" + prosody.jid("bob").split("@")[1];
        CliProcess.Run queued = prosody.sotto(alice, "send", nobody, "never", "sent");
        CliProcess.Run waiting = prosody.sotto(alice, "outbox", nobody);
        assertEquals(0, waiting.exit(), waiting.toString());
        String id = waiting.out().lines().filter(l -> l.contains(nobody)).map(l -> l.split("\\s+")[0]).findFirst()
                .orElseThrow(() -> new AssertionError("queued in the outbox: " + queued + waiting));
        CliProcess.Run dropped = prosody.sotto(alice, "outbox", "drop", id);
        assertEquals(0, dropped.exit(), dropped.toString());
        assertTrue(dropped.out().startsWith("dropped message " + id), dropped.toString());
        CliProcess.Run droppedAgain = prosody.sotto(alice, "outbox", "drop", id);
        assertEquals(2, droppedAgain.exit(), droppedAgain.toString());
        assertTrue(droppedAgain.err().contains("no message " + id + " waits"), droppedAgain.toString());
        CliProcess.Run removeNone = prosody.sotto(alice, "devices", "remove", "0");
        assertEquals(2, removeNone.exit(), removeNone.toString());
        assertTrue(removeNone.err().contains("a device id is 1.."), removeNone.toString());
        CliProcess.Run unknown = prosody.sotto(alice, "devices", "not a jid");
        assertEquals(2, unknown.exit(), "a bad argument is refused as without a listen: " + unknown);

        listen.signal("TERM");
        listen.finish(WAIT_SECONDS);
        assertFalse(Files.exists(socket), "the socket is removed when listen ends");

        CliProcess.Run received = prosody.sotto(prosody.env("bob"), "listen", "--json", "--count", "1",
                "--timeout", "60");
        assertEquals(java.util.List.of("handed to listen"), PrivateServer.bodies(received), received.toString());
    }

    private static ByteBuffer frame(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
    }

    /** Writes {@code request} raw to the socket and returns the answer frame's JSON. */
    private static String ask(Path socket, ByteBuffer request) throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            return HandOffFrames.text(HandOffFrames.read(channel));
        }
    }
}
