package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SecurityEvent.UndecryptableReason;
import im.sotto.xmpp.SottoManager;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What made the binding lose messages in {@code ClientKillIT}: alice's first session with bob completes on her side
 * only (the relay drops XX message 3, as bob dying before storing it would), so bob has no trust record and no session
 * for her, only her roster item. Bob comes back while alice's messages wait for him, and the server is slow with his
 * roster (the relay holds it until bob has read alice's offline message). Before the fix bob took alice for a
 * stranger at that moment, refused the heal ({@code NO_HEAL_FOR_STRANGER}) and, with nothing more arriving, never
 * repaired the session: everything alice sent stayed unreadable. Now the decision waits for the roster, the heal
 * runs once it is loaded, and what alice sends next is read.
 */
@ExtendWith(XmppServersExtension.class)
class RosterWaitIT {
    private static final int INITIATOR_FINISH = 0x12;
    private static final Pattern PAYLOAD = Pattern.compile("<encrypted[^>]*kind=['\"]handshake['\"][^>]*>([^<]+)<");

    @Test
    void aContactKnownOnlyFromTheRosterIsHealedOnceTheRosterArrivesNotRefusedAsAStranger(XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(ServerKind.PROSODY))) {
            SottoParty alice = scene.alice;
            SottoParty bob = scene.bob;
            org.jxmpp.jid.Jid bobJid = scene.bobJid();
            String bobResource = bob.connection.getUser().getResourceOrThrow().toString();

            // 1. Alice's first session completes on her side only: message 3 (with her first content) never
            // reaches bob.
            scene.relay.rule(stanza -> stanza.toClient() && isBob(stanza) && handshakeType(stanza) == INITIATOR_FINISH
                    ? List.of() : List.of(stanza.xml()));
            alice.manager.send(scene.secretChat(bobJid, "first, lost with message 3")).get(20,
                    TimeUnit.SECONDS);
            assertTrue(alice.events.stream().anyMatch(e -> e instanceof SecurityEvent.SessionEstablished),
                    "alice committed her side");
            bob.disconnect();
            assertTrue(bob.events.stream().noneMatch(e -> e instanceof SecurityEvent.SessionEstablished),
                    "bob never stored the session");

            // 2. While bob is away, alice writes under her session.
            alice.manager.send(scene.secretChat(bobJid, "while bob was away")).get(20, TimeUnit.SECONDS);

            // 3. Bob comes back; his roster is held back until he has read alice's waiting message.
            List<RelayedStanza> heldRoster = new ArrayList<>();
            scene.relay.rule(stanza -> {
                if (stanza.toClient() && isBob(stanza) && stanza.contains("jabber:iq:roster")
                        && "result".equals(stanza.attribute("type"))) {
                    heldRoster.add(stanza);
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            // (SottoParty.connect would wait for the roster to add alice: she is in it since the first login.)
            SottoParty bobAgain = new SottoParty(bob.account);
            bobAgain.connection = scene.server.connectionVia("bob", bobResource, scene.relay.port());
            bobAgain.manager = SottoManager.enable(bobAgain.connection, bob.account);
            try {
                bobAgain.manager.setHandshakeTimeout(Duration.ofSeconds(5));
                bobAgain.manager.addListener(bobAgain);
                Pair.login(bobAgain.connection);
                bobAgain.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                        e -> e.reason() == UndecryptableReason.NO_SESSION);
                scene.relay.rule(StanzaRule.PASS);
                for (RelayedStanza roster : heldRoster) {
                    scene.relay.forward(roster);
                }

                // The heal runs once the roster says alice is a contact; bob never calls her a stranger.
                bobAgain.awaitEvent(SecurityEvent.SessionHealed.class, e -> true);
                assertTrue(bobAgain.events.stream().noneMatch(e -> e instanceof SecurityEvent.SessionRefused),
                        "alice was never refused as a stranger: " + bobAgain.events);
                alice.manager.send(scene.secretChat(bobAgain.connection.getUser(), "after the heal"))
                        .get(20, TimeUnit.SECONDS);
                String body = "";
                while (!body.equals("after the heal")) {
                    body = ((Message) bobAgain.next().stanza()).getBody();
                }
                assertEquals("after the heal", body);
            } finally {
                bobAgain.disconnect();
            }
        }
    }

    private static boolean isBob(RelayedStanza stanza) {
        String jid = stanza.link().jid();
        return jid != null && jid.startsWith("bob@");
    }

    private static int handshakeType(RelayedStanza stanza) {
        if (!HostileScene.carries(stanza, SottoEncrypted.Kind.HANDSHAKE)) {
            return -1;
        }
        Matcher m = PAYLOAD.matcher(stanza.xml());
        if (!m.find()) {
            return -1;
        }
        byte[] payload = Base64.getMimeDecoder().decode(m.group(1).trim());
        return payload.length > 1 ? payload[1] & 0xff : -1;
    }
}
