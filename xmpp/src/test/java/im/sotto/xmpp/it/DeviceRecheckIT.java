package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.AccountDevices;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecondDevice;
import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.BareJid;

/**
 * A client that stays logged in for days meets what its contact changes meanwhile (issue #19): it read the contact's
 * revocation and device lists once per login, so a device bob revoked (a stolen laptop) went on reading what alice
 * wrote until alice logged in again. The lists are read again before a send once {@code RevocationWatch}'s interval
 * has passed (shortened here); then the revoked laptop gets nothing more, on real Prosody and ejabberd.
 */
@ExtendWith(XmppServersExtension.class)
class DeviceRecheckIT {
    /** The interval for this test's alice; her messages go out at least this far apart. */
    private static final long RECHECK_MS = 1_500;
    /**
     * Messages alice sends after the link before the laptop must have one: each carries first messages for at most 8
     * devices she has no session with, lowest ids first, and the shared test accounts list devices of earlier tests.
     */
    private static final int ROUNDS = 10;
    /** How long each round waits for the laptop (loopback delivers in milliseconds). */
    private static final long LAPTOP_WAIT_MS = 3_000;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aDeviceTheContactRevokesWhileWeStayLoggedInGetsNothingMoreWithoutANewLogin(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice;
        System.setProperty("sotto.devices.recheckMs", Long.toString(RECHECK_MS));
        try {
            alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        } finally {
            System.clearProperty("sotto.devices.recheckMs");
        }
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        SottoParty laptop = null;
        try {
            BareJid bobAccount = bob.connection.getUser().asBareJid();
            alice.manager.send(chat(bobAccount, "before the link " + s)).get(20, TimeUnit.SECONDS);
            assertEquals("before the link " + s, body(bob.next()));

            laptop = new SottoParty(SecondDevice.of(bob.account)).connect(server.connection("bob", "laptop-" + s));
            String reached = null;
            for (int round = 0; round < ROUNDS && reached == null; round++) {
                Thread.sleep(RECHECK_MS + 200);
                String text = "after the link " + round + " " + s;
                alice.manager.send(chat(bobAccount, text)).get(20, TimeUnit.SECONDS);
                assertEquals(text, body(bob.next()), "the desktop reads every message");
                DecryptedStanza got = laptop.inbox.poll(LAPTOP_WAIT_MS, TimeUnit.MILLISECONDS);
                reached = got == null ? null : body(got);
            }
            assertTrue(reached != null && reached.startsWith("after the link "),
                    "the laptop reads alice's messages; laptop's events: " + laptop.events);

            // bob revokes the laptop from his desktop; alice, still logged in, sends after the interval.
            long laptopId = laptop.account.device().deviceId();
            AccountDevices.revoke(bob.account, bob.connection, laptopId);
            Thread.sleep(RECHECK_MS + 200);
            String after = "after the revocation " + s;
            alice.manager.send(chat(bobAccount, after)).get(20, TimeUnit.SECONDS);
            assertEquals(after, body(bob.next()), "the desktop reads it");
            alice.awaitEvent(SecurityEvent.DeviceRevoked.class, e -> e.deviceId() == laptopId);
            DecryptedStanza leaked = laptop.inbox.poll(LAPTOP_WAIT_MS, TimeUnit.MILLISECONDS);
            assertNull(leaked, "the revoked laptop read " + (leaked == null ? "" : body(leaked)));
        } finally {
            alice.disconnect();
            bob.disconnect();
            if (laptop != null) {
                laptop.disconnect();
            }
        }
    }

    private static Message chat(BareJid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    private static String body(DecryptedStanza stanza) {
        return ((Message) stanza.stanza()).getBody();
    }
}
