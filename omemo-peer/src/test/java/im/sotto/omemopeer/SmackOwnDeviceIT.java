package im.sotto.omemopeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import im.sotto.omemopeer.XmppServersScript.Kind;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jivesoftware.smackx.forward.packet.Forwarded;
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
 * the user's own message to that contact, labelled OMEMO; what the contact sends to the phone's resource reaches
 * Sotto as a received carbon and is shown once, as the contact's. A carbon the contact forges (the wrapper comes
 * from the contact, not from the user's own server) is not read and is reported. One Sotto run, one listen, for all
 * three (the servers start once for the class).
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
    void whatOurPhoneSendsAndReceivesIsShownOnceAndAForgedCarbonIsReported(Kind kind) throws Exception {
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
            bob.awaitDevicesOf(aliceJid);

            // "ready" comes after the login's work on Sotto's worker, which asks for carbons and waits for the answer.
            SottoCli.Started listening = alice.start("listen", "--json", "--count", "3", "--timeout", "120");
            listening.awaitOutput("\"event\":\"ready\"", LOGIN_SECONDS);

            String text = "from alice's phone " + run;
            OmemoMessage.Sent sent = phone.encrypt(bob.jid(), text);
            assertTrue(sent.getElement().getHeader().getKeys().stream().map(OmemoKeyElement::getId)
                    .anyMatch(sottoDevices::contains), "Smack encrypts for the account's other device, Sotto's");
            phone.send(SmackOmemoPeer.stanza(sent, bob.jid()));
            assertEquals(text, bob.next().body());

            // The attack: bob wraps a message "from alice's phone to bob" in a sent carbon of his own making, with an
            // OMEMO element Sotto could decrypt (bob encrypts for alice's devices), so that alice would read words she
            // never wrote as hers. Sent to alice's bare JID, it reaches Sotto's resource.
            String forgedText = "forged: alice never wrote this " + run;
            Message forgedCopy = bob.encrypt(aliceJid, forgedText).buildMessage(StanzaBuilder.buildMessage()
                    .ofType(Message.Type.chat).from(phone.connection.getUser()), bob.jid());
            bob.send(StanzaBuilder.buildMessage().to(aliceJid).ofType(Message.Type.chat)
                    .addExtension(new CarbonExtension(CarbonExtension.Direction.sent, new Forwarded<>(forgedCopy)))
                    .build());

            // bob answers the phone's resource (as profanity does: the full JID it last heard from); Sotto gets the
            // server's received carbon, whose OMEMO element has a key for Sotto's device too.
            String toPhone = "from bob to alice's phone " + run;
            bob.send(SmackOmemoPeer.stanza(bob.encrypt(aliceJid, toPhone), phone.connection.getUser()));
            assertEquals(toPhone, phone.next().body());
            String last = "from bob to alice " + run;
            bob.send(SmackOmemoPeer.stanza(bob.encrypt(aliceJid, last), aliceJid));

            SottoCli.Run listened = listening.finish(SottoCli.COMMAND_TIMEOUT_SECONDS);
            assertEquals(0, listened.exit(), listened.toString());
            List<JsonNode> messages = listened.events().stream().filter(e -> e.get("event").asText()
                    .equals("message")).toList();
            assertEquals(List.of(text, toPhone, last), messages.stream().map(m -> m.get("body").asText()).toList(),
                    "each shown once, the forged one never: " + listened);
            JsonNode shown = messages.get(0);
            assertEquals("OMEMO", shown.get("origin").asText());
            assertTrue(shown.get("yours").asBoolean(), shown.toString());
            assertEquals(bob.jid().toString(), shown.get("to").asText());
            assertEquals(phone.connection.getUser().toString(), shown.get("from").asText());

            JsonNode copied = messages.get(1);
            assertEquals("OMEMO", copied.get("origin").asText());
            assertFalse(copied.path("yours").asBoolean(false), "bob's message is bob's: " + copied);
            assertEquals(bob.connection.getUser().toString(), copied.get("from").asText());

            List<JsonNode> forged = listened.events().stream().filter(e -> e.get("event").asText()
                    .equals("forged-carbon")).toList();
            assertEquals(1, forged.size(), "the forged carbon reported once: " + listened);
            assertEquals(bob.connection.getUser().toString(), forged.get(0).get("from").asText());
            assertEquals("sent", forged.get(0).get("direction").asText());
            assertFalse(listened.out().contains(forgedText), listened.toString());
        }
    }

    private static SmackOmemoPeer login(Kind kind, String user, String resource) throws Exception {
        return SmackOmemoPeer.login(servers.host(kind), servers.port(kind), servers.domain(kind), user,
                servers.password(kind, user), resource);
    }
}
