package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A receipt is sent only inside the encrypted envelope. Smack answers a XEP-0184 request in the clear by default for
 * a contact that sees the user's presence, which tells the server (and whoever asks) which message reached which
 * client and when: carol, such a contact without Sotto, sends alice a plaintext message asking for a receipt while
 * alice's listen runs, and gets none.
 */
class CleartextReceiptIT {
    /** How long carol waits for a receipt that must not come; Smack would answer within milliseconds. */
    private static final long RECEIPT_WAIT_MILLIS = 5_000;

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aPlaintextRequestFromASubscribedContactGetsNoReceiptInTheClear() throws Exception {
        prosody.add("alice");
        Map<String, String> alice = prosody.env("alice");
        String aliceJid = prosody.jid("alice");
        String carolJid = prosody.jid("carol");
        String body = "did you get this " + UUID.randomUUID().toString().substring(0, 8);
        try (RawClient carol = new RawClient(prosody, "carol", "plain")) {
            carol.requestSubscription(aliceJid);
            prosody.ok(alice, "contacts", "accept", carolJid); // carol now sees alice's presence: "subscribed"
            CliProcess.Started listen = CliProcess.start(alice, "listen", "--json", "--timeout", "90");
            listen.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);

            carol.sendPlainAskingReceipt(aliceJid, body, "carol-asks-1");
            listen.awaitOutput(body, 30);
            long deadline = System.currentTimeMillis() + RECEIPT_WAIT_MILLIS;
            while (System.currentTimeMillis() < deadline && carol.receiptsReceived.isEmpty()) {
                Thread.sleep(100);
            }
            assertEquals(List.of(), carol.receiptsReceived, "a receipt in the clear");
            listen.signal("TERM");
            listen.finish(60);
        }
    }
}
