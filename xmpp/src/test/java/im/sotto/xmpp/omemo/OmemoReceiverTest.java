package im.sotto.xmpp.omemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.protocol.omemo.OmemoMessageCipher;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.OmemoPreKeys;
import im.sotto.protocol.omemo.OmemoSessionCipher;
import im.sotto.protocol.omemo.OmemoTrust;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.SessionOrigin;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The receiver on in-memory stores, without a server: a first message pins the sender device's key; the attack of a
 * server that answers for a known device id with its own identity key (a substituted bundle behind a prekey
 * message) is refused as UNTRUSTED_IDENTITY and changes nothing in the store.
 */
class OmemoReceiverTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALICE = "alice@example.org";
    private static final String BOB = "bob@example.org";

    private final AccountStore alice = new InMemoryAccountStore();
    private final OmemoReceiver receiver = new OmemoReceiver(alice, RANDOM, Clock.systemUTC());

    @Test
    void aFirstMessagePinsTheDeviceAndIsDeliveredLabelledOmemo() throws Exception {
        AccountStore bob = new InMemoryAccountStore();
        OmemoReceipt receipt = receiver.receive(stanza(encryptFrom(bob, "hi Alice")));
        OmemoReceipt.Delivered delivered = assertInstanceOf(OmemoReceipt.Delivered.class, receipt);
        assertEquals(SessionOrigin.OMEMO, delivered.stanza().origin());
        assertEquals("hi Alice", ((Message) delivered.stanza().stanza()).getBody());
        assertEquals(OmemoTrustLevel.BLIND, delivered.level());
        assertEquals(true, delivered.republish(), "the used one-time prekey is replaced and republished");
    }

    @Test
    void anotherIdentityKeyUnderAKnownDeviceIdIsRefusedAndChangesNothing() throws Exception {
        AccountStore bob = new InMemoryAccountStore();
        OmemoMessage first = encryptFrom(bob, "hi Alice");
        assertInstanceOf(OmemoReceipt.Delivered.class, receiver.receive(stanza(first)));
        int bobDevice = first.senderDeviceId();

        // The attacker's device: its own identity key, Bob's device id.
        AccountStore mallory = new InMemoryAccountStore();
        mallory.transact(s -> OmemoPreKeys.open(s.omemo().device(), s.omemo().preKeys(), RANDOM, Clock.systemUTC()));
        mallory.transact(s -> {
            byte[] device = s.omemo().device().localDevice().orElseThrow();
            device[1] = (byte) (bobDevice >>> 24);
            device[2] = (byte) (bobDevice >>> 16);
            device[3] = (byte) (bobDevice >>> 8);
            device[4] = (byte) bobDevice;
            s.omemo().device().storeLocalDevice(device);
            return null;
        });
        OmemoMessage forged = encryptFrom(mallory, "it is me, Bob");
        assertEquals(bobDevice, forged.senderDeviceId());

        SessionAddress bobAddress = new SessionAddress(BOB, bobDevice);
        byte[] sessionBefore = alice.transact(s -> s.omemo().sessions().load(bobAddress).orElseThrow());
        List<Integer> preKeysBefore = alice.transact(s -> s.omemo().preKeys().ids(OmemoPreKeyKind.ONE_TIME));
        byte[] trustBefore = alice.transact(s -> s.omemo().identities().trustRecord(bobAddress).orElseThrow());

        OmemoReceipt receipt = receiver.receive(stanza(forged));
        assertEquals(OmemoFailure.UNTRUSTED_IDENTITY, assertInstanceOf(OmemoReceipt.Refused.class, receipt).reason());
        assertArrayEquals(sessionBefore, alice.transact(s -> s.omemo().sessions().load(bobAddress).orElseThrow()));
        assertEquals(preKeysBefore, alice.transact(s -> s.omemo().preKeys().ids(OmemoPreKeyKind.ONE_TIME)),
                "the one-time prekey the forgery named is still there");
        assertArrayEquals(trustBefore, alice.transact(s -> s.omemo().identities().trustRecord(bobAddress)
                .orElseThrow()));

        // Bob's real session still works afterwards.
        assertInstanceOf(OmemoReceipt.Delivered.class, receiver.receive(stanza(encryptFrom(bob, "still me"))));
    }

    @Test
    void aMalformedElementIsRefusedTyped() throws Exception {
        Message message = StanzaBuilder.buildMessage("m").from(JidCreate.from(BOB + "/phone"))
                .to(JidCreate.from(ALICE)).addExtension(AxolotlEncrypted.malformed("no header")).build();
        assertEquals(OmemoFailure.MALFORMED,
                assertInstanceOf(OmemoReceipt.Refused.class, receiver.receive(message)).reason());
    }

    /** Encrypts {@code text} from the device in {@code sender} to Alice's device, building a session if needed. */
    private OmemoMessage encryptFrom(AccountStore sender, String text) throws Exception {
        OmemoBundle aliceBundle = alice.transact(s -> OmemoPreKeys.open(s.omemo().device(), s.omemo().preKeys(),
                RANDOM, Clock.systemUTC()).bundle());
        SessionAddress aliceDevice = new SessionAddress(ALICE, aliceBundle.deviceId());
        return sender.transact(s -> {
            OmemoPreKeys keys = OmemoPreKeys.open(s.omemo().device(), s.omemo().preKeys(), RANDOM, Clock.systemUTC());
            OmemoSessionCipher sessions = new OmemoSessionCipher(keys, s.omemo().sessions(), OmemoTrust.BLIND,
                    RANDOM);
            if (!sessions.hasSession(aliceDevice)) {
                sessions.buildSession(aliceDevice, aliceBundle);
            }
            return new OmemoMessageCipher(sessions, keys.deviceId(), RANDOM)
                    .encrypt(text.getBytes(StandardCharsets.UTF_8), List.of(aliceDevice));
        });
    }

    private static Message stanza(OmemoMessage message) throws Exception {
        return StanzaBuilder.buildMessage("id-" + RANDOM.nextInt()).from(JidCreate.from(BOB + "/phone"))
                .to(JidCreate.from(ALICE)).ofType(Message.Type.chat).setBody(Axolotl.FALLBACK_BODY)
                .addExtension(AxolotlEncrypted.of(message)).build();
    }
}
