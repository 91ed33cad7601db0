package im.sotto.omemopeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import im.sotto.omemopeer.XmppServersScript.Kind;

import org.jivesoftware.smackx.omemo.OmemoMessage;
import org.jivesoftware.smackx.omemo.element.OmemoKeyElement;
import org.jivesoftware.smackx.omemo.internal.OmemoDevice;
import org.jxmpp.jid.BareJid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Smack OMEMO device on the Sotto user's own account (as a Conversations phone would be): what it sends to a
 * contact reaches Sotto as a carbon (XEP-0280) carrying a key for Sotto's OMEMO device, and Sotto shows it once as
 * the user's own message to that contact, labelled OMEMO.
 */
class SmackOwnDeviceIT {
    /** How long Sotto's {@code listen} may take to log in (and ask for carbons) before it says "ready". */
    private static final long LOGIN_SECONDS = 60;

    private static XmppServersScript servers;

    @BeforeAll
    static void startServers() throws Exception {
        servers = XmppServersScript.startWithCarbons();
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void whatOurPhoneSendsIsShownAsOurs(Kind kind) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SottoCli alice = new SottoCli(Files.createTempDirectory("sotto-home-alice-"), servers.jid(kind, "alice"),
                servers.password(kind, "alice"));
        alice.addAccount(servers.host(kind), servers.port(kind));
        try (SmackOmemoPeer bob = login(kind, "bob", "smack-" + run);
                SmackOmemoPeer phone = login(kind, "alice", "phone-" + run)) {
            SmackOmemoPeer.subscribeBothWays(phone.connection, bob.connection);
            BareJid aliceJid = phone.jid();
            Set<Integer> sottoDevices = phone.awaitDevicesOf(aliceJid).stream().map(OmemoDevice::getDeviceId)
                    .filter(id -> id != phone.deviceId()).collect(Collectors.toSet());
            assertEquals(1, sottoDevices.size(), "Sotto's OMEMO device next to the phone's: " + sottoDevices);
            phone.awaitDevicesOf(bob.jid());

            // "ready" comes after the login's work on Sotto's worker, which asks for carbons and waits for the answer.
            SottoCli.Started listening = alice.start("listen", "--json", "--count", "1", "--timeout", "90");
            listening.awaitOutput("\"event\":\"ready\"", LOGIN_SECONDS);

            String text = "from alice's phone " + run;
            OmemoMessage.Sent sent = phone.encrypt(bob.jid(), text);
            assertTrue(sent.getElement().getHeader().getKeys().stream().map(OmemoKeyElement::getId)
                    .anyMatch(sottoDevices::contains), "Smack encrypts for the account's other device, Sotto's");
            phone.send(SmackOmemoPeer.stanza(sent, bob.jid()));
            assertEquals(text, bob.next().body());

            SottoCli.Run listened = listening.finish(SottoCli.COMMAND_TIMEOUT_SECONDS);
            assertEquals(0, listened.exit(), listened.toString());
            List<JsonNode> messages = listened.events().stream().filter(e -> e.get("event").asText()
                    .equals("message")).toList();
            assertEquals(1, messages.size(), listened.toString());
            JsonNode shown = messages.get(0);
            assertEquals(text, shown.get("body").asText());
            assertEquals("OMEMO", shown.get("origin").asText());
            assertTrue(shown.get("yours").asBoolean(), shown.toString());
            assertEquals(bob.jid().toString(), shown.get("to").asText());
            assertEquals(phone.connection.getUser().toString(), shown.get("from").asText());
        }
    }

    private static SmackOmemoPeer login(Kind kind, String user, String resource) throws Exception {
        return SmackOmemoPeer.login(servers.host(kind), servers.port(kind), servers.domain(kind), user,
                servers.password(kind, user), resource);
    }
}
