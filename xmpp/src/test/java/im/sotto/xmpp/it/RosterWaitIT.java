package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SottoManager;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What made the binding lose messages in {@code ClientKillIT}: alice's first session with bob completes on her side
 * only (the relay drops XX message 3, as bob dying before storing it would), so bob has no trust record and no session
 * for her, only her roster item. Bob comes back while alice's messages wait for him, and the server is slow with his
 * roster. Before the fix bob took alice for a stranger at that moment and refused her; now the decision waits for the
 * roster and her handshake is answered once it is loaded. Since the session confirmation, her messages wait for a
 * session bob holds, so nothing she wrote is lost or unreadable on the way.
 */
@ExtendWith(XmppServersExtension.class)
class RosterWaitIT {
    private static final int INITIATOR_START = 0x10;
    private static final Pattern PAYLOAD = Pattern.compile("<encrypted[^>]*kind=['\"]handshake['\"][^>]*>([^<]+)<");

    @Test
    void aContactKnownOnlyFromTheRosterIsHealedOnceTheRosterArrivesNotRefusedAsAStranger(XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(ServerKind.PROSODY))) {
            SottoParty alice = scene.alice;
            SottoParty bob = scene.bob;
            org.jxmpp.jid.Jid bobJid = scene.bobJid();
            String bobResource = bob.connection.getUser().getResourceOrThrow().toString();

            // 1. Alice's first session completes on her side only: message 3 (and every later handshake stanza)
            // never reaches bob, as if he died before storing it. Her message waits for his confirmation.
            alice.manager.setHandshakeTimeout(HostileScene.SHORT_HANDSHAKE_TIMEOUT);
            List<RelayedStanza> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
            scene.relay.rule(stanza -> {
                if (stanza.toClient() && isBob(stanza) && handshakeType(stanza) >= 0
                        && handshakeType(stanza) != INITIATOR_START) {
                    dropped.add(stanza);
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            alice.manager.send(scene.secretChat(bobJid, "first, held for bob's confirmation"));
            long deadline = System.nanoTime() + SottoParty.WAIT_MS * 1_000_000;
            while (dropped.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);   // alice finished her side: message 3 never reaches bob
            }
            assertFalse(dropped.isEmpty(), "alice's message 3 was sent");
            bob.disconnect();
            assertTrue(bob.events.stream().noneMatch(e -> e instanceof SecurityEvent.SessionEstablished),
                    "bob never stored the session");

            // 2. Bob comes back; his roster is held back until alice's handshake reached him.
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
                // 3. Alice writes again: never under the session bob lacks; a new handshake, which bob (no trust
                // record for alice yet, his roster not loaded) answers once the roster says she is a contact.
                alice.manager.send(scene.secretChat(bobAgain.connection.getUser(), "while bob was away"));
                Thread.sleep(1_000);
                scene.relay.rule(StanzaRule.PASS);
                for (RelayedStanza roster : heldRoster) {
                    scene.relay.forward(roster);
                }
                assertEquals("first, held for bob's confirmation", ((Message) bobAgain.next().stanza()).getBody());
                assertEquals("while bob was away", ((Message) bobAgain.next().stanza()).getBody());
                assertTrue(bobAgain.events.stream().noneMatch(e -> e instanceof SecurityEvent.SessionRefused
                        || e instanceof SecurityEvent.UndecryptableStanza),
                        "alice was never refused as a stranger, nothing was unreadable: " + bobAgain.events);
                alice.manager.send(scene.secretChat(bobAgain.connection.getUser(), "after the heal"))
                        .get(20, TimeUnit.SECONDS);
                assertEquals("after the heal", ((Message) bobAgain.next().stanza()).getBody());
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
