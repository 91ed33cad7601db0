package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.session.AccountPreKeys;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.envelope.EnvelopeCodec;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;

/**
 * Two devices of one account log in together, each finds the other without a session and sends its setup (an offline
 * first message), then a note to self under that session, before reading the other's (docs/protocol.md 7.9, "Crossing
 * first messages"). Everything opens on the other device, nothing is reported undecryptable, and from then on both
 * use one session: what each sends next opens under the other's current session.
 */
class CrossingSetupTest {
    private static final BareJid ALICE = JidCreate.bareFromOrThrowUnchecked("alice@example.org");
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final List<SecurityEvent> events = new ArrayList<>();

    /** One device: its account, its full JID, its send and receive sides. */
    private final class Device {
        final SottoAccount account;
        final EntityFullJid jid;
        final SessionCrypto crypto;
        final SessionReceiver receiver;

        Device(SottoAccount account, String resource) {
            this.account = account;
            this.jid = JidCreate.entityFullFromOrThrowUnchecked(ALICE + "/" + resource);
            this.crypto = new SessionCrypto(account, new EnvelopeCodec(clock), events::add);
            this.receiver = new SessionReceiver(account, new EnvelopeCodec(clock));
            account.store().transact(stores -> {
                OwnDevices.pinOwnKey(stores, ALICE, account.identity().publicKey(), account);
                return null;
            });
        }

        Stanza setupFor(Device other) throws Exception {
            byte[] bundle = other.account.store().transact(s -> AccountPreKeys.load(s).bundle().encode());
            SessionCrypto.FirstMessages first = crypto.encryptFirstMessages(OwnDevices.setupMessage(ALICE), jid,
                    Map.of(other.account.device().deviceId(), bundle), 0, false);
            return fromHere(first.outer());
        }

        Stanza note(String body) throws Exception {
            Message inner = StanzaBuilder.buildMessage().to(ALICE).setBody(body).build();
            return fromHere(crypto.encryptForSessions(inner, jid, Optional.empty(), 0).orElseThrow());
        }

        /** The server stamps the sender's full JID. */
        private Stanza fromHere(Stanza outer) {
            return ((Message) outer).asBuilder().from(jid).build();
        }

        SessionReceiver.Opened read(Stanza outer) {
            SessionReceiver.Result result = receiver.open(outer, Wire.elementsOf(outer));
            return assertInstanceOf(SessionReceiver.Opened.class, result, () -> jid + " could not open: " + result);
        }
    }

    @Test
    void twoOwnDevicesStartingSessionsAtOnceEndWithOneSessionAndLoseNothing() throws Exception {
        SottoAccount first = SottoAccount.open(new InMemoryAccountStore(), random, clock);
        Device phone = new Device(first, "phone");
        Device laptop = new Device(SecondDevice.of(first), "laptop");
        assertNotEquals(phone.account.device().deviceId(), laptop.account.device().deviceId());

        Stanza phoneSetup = phone.setupFor(laptop);
        Stanza laptopSetup = laptop.setupFor(phone);
        Stanza phoneNote = phone.note("from the phone, before reading");
        Stanza laptopNote = laptop.note("from the laptop, before reading");

        phone.read(laptopSetup);
        laptop.read(phoneSetup);
        assertEquals("from the laptop, before reading", body(phone.read(laptopNote)));
        assertEquals("from the phone, before reading", body(laptop.read(phoneNote)));

        // One session from now on, whichever device won: each next note opens under the other's current session.
        SessionReceiver.Opened atLaptop = laptop.read(phone.note("phone, after"));
        SessionReceiver.Opened atPhone = phone.read(laptop.note("laptop, after"));
        assertEquals("phone, after", body(atLaptop));
        assertEquals("laptop, after", body(atPhone));
        assertTrue(atLaptop.currentSession() && atPhone.currentSession(),
                "both devices send under the session the other holds as current");
        SessionReceiver.Opened again = laptop.read(phone.note("phone, once more"));
        assertTrue(again.currentSession());
        assertTrue(events.stream().noneMatch(e -> e instanceof SecurityEvent.UndecryptableStanza
                || e instanceof SecurityEvent.NotAcknowledged), events.toString());
    }

    private static String body(SessionReceiver.Opened opened) {
        return ((Message) opened.stanza().orElseThrow().stanza()).getBody();
    }
}
