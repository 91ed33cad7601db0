package im.sotto.xmpp.omemo2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo2.Omemo2Bundle;
import im.sotto.protocol.omemo2.Omemo2LocalKeys;
import im.sotto.protocol.omemo2.Omemo2Payload;
import im.sotto.protocol.omemo2.Omemo2SessionCipher;
import im.sotto.protocol.omemo2.Omemo2Trust;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.xmpp.SessionOrigin;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Receiving OMEMO 2 stanzas, parsed from their XML as a server delivers them: delivery, and refusals that perform
 * the attack (a payload moved to another recipient or presented as another sender's, a replay, a malformed element,
 * an envelope that is not one) and then show that nothing was stored: the same key exchange still opens afterwards.
 */
class Omemo2ReceiverTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
    private static final BareJid ALICE = JidCreate.bareFromOrThrowUnchecked("alice@example.org");
    private static final BareJid BOB = JidCreate.bareFromOrThrowUnchecked("bob@example.org");
    private static final BareJid CAROL = JidCreate.bareFromOrThrowUnchecked("carol@example.org");

    private final DeterministicRandom random = new DeterministicRandom("omemo2 receiver test");
    private final InMemoryAccountStore aliceStore = new InMemoryAccountStore();
    private final InMemoryAccountStore bobStore = new InMemoryAccountStore();
    private Omemo2Receiver bob;
    private Omemo2Bundle bobBundle;
    private int aliceDeviceId;

    @BeforeEach
    void setUp() {
        Omemo2Providers.register();
        bob = new Omemo2Receiver(bobStore, random, CLOCK);
        bobBundle = bobStore.transact(s -> keys(s.omemo2()).bundle());
        aliceDeviceId = aliceStore.transact(s -> keys(s.omemo2()).deviceId());
    }

    private Omemo2LocalKeys keys(im.sotto.protocol.omemo.OmemoStores stores) {
        return Omemo2LocalKeys.open(stores.device(), stores.preKeys(), random, CLOCK);
    }

    private SessionAddress bobDevice() {
        return new SessionAddress(BOB.toString(), bobBundle.deviceId());
    }

    /** Alice encrypts {@code envelope} for bob's device and the stanza goes from {@code from} to bob, as XML. */
    private Message stanza(byte[] envelope, String from) throws Exception {
        return stanza(envelope, from, "bob@example.org/sotto", BOB);
    }

    /** As above, to {@code to}, with the key listed under account {@code keysFor}. */
    private Message stanza(byte[] envelope, String from, String to, BareJid keysFor) throws Exception {
        Omemo2Payload.Encrypted payload = Omemo2Payload.encrypt(envelope, random);
        EncryptedKey key = aliceStore.transact(s -> {
            Omemo2SessionCipher cipher = new Omemo2SessionCipher(keys(s.omemo2()), s.omemo2().sessions(),
                    Omemo2Trust.BLIND, random);
            try {
                if (!cipher.hasSession(bobDevice())) {
                    cipher.buildSession(bobDevice(), bobBundle);
                }
                return cipher.encrypt(bobDevice(), payload.keyMaterial());
            } catch (im.sotto.protocol.omemo.OmemoException e) {
                throw new IllegalStateException(e);
            }
        });
        Omemo2Encrypted element = Omemo2Encrypted.of(aliceDeviceId,
                List.of(new Omemo2Encrypted.Keys(keysFor.toString(), List.of(key))), Optional.of(payload.ciphertext()));
        Message built = StanzaBuilder.buildMessage("m-" + random.nextInt(1000)).from(JidCreate.from(from))
                .to(JidCreate.from(to)).ofType(Message.Type.chat)
                .setBody(Omemo2Names.FALLBACK_BODY).addExtension(element).build();
        return PacketParserUtils.parseStanza(built.toXML().toString());
    }

    private Message fromAlice(String body) throws Exception {
        return stanza(SceEnvelope.write(body, BOB, ALICE, CLOCK.instant(), random), "alice@example.org/gajim");
    }

    private void assertNothingStored() {
        bobStore.transact(s -> {
            SessionAddress alice = new SessionAddress(ALICE.toString(), aliceDeviceId);
            assertTrue(s.omemo2().sessions().load(alice).isEmpty(), "no session kept");
            assertTrue(s.omemo2().identities().trustRecord(alice).isEmpty(), "no identity pinned");
            assertEquals(bobBundle.preKeys().size(), s.omemo2().preKeys().ids(OmemoPreKeyKind.ONE_TIME).size(),
                    "no one-time prekey used up");
            return null;
        });
    }

    private void assertRefused(Omemo2Receipt receipt, OmemoFailure reason) {
        Omemo2Receipt.Refused refused = assertInstanceOf(Omemo2Receipt.Refused.class, receipt);
        assertEquals(reason, refused.reason(), refused.detail());
    }

    @Test
    void aKeyExchangeThenNormalMessagesAreDeliveredLabelledOmemo2() throws Exception {
        Omemo2Receipt first = bob.receive(fromAlice("hello <bob> & co"), BOB);
        Omemo2Receipt.Delivered delivered = assertInstanceOf(Omemo2Receipt.Delivered.class, first);
        assertEquals("hello <bob> & co", ((Message) delivered.stanza().stanza()).getBody());
        assertEquals(SessionOrigin.OMEMO_2, delivered.stanza().origin());
        assertEquals(ALICE, delivered.stanza().peer());
        assertTrue(delivered.republish(), "a used one-time prekey is replaced and the bundle republished");
        Omemo2Receipt second = bob.receive(fromAlice("again"), BOB);
        assertEquals("again", ((Message) assertInstanceOf(Omemo2Receipt.Delivered.class, second).stanza().stanza())
                .getBody());
    }

    /** A server re-addresses to bob a payload alice wrote for carol. */
    @Test
    void aPayloadMovedToAnotherRecipientIsRefusedAndChangesNothing() throws Exception {
        Message moved = stanza(SceEnvelope.write("for carol", CAROL, ALICE, CLOCK.instant(), random),
                "alice@example.org/gajim");
        assertRefused(bob.receive(moved, BOB), OmemoFailure.ENVELOPE_MISMATCH);
        assertNothingStored();
        // The refusal kept nothing: alice's (still unanswered) key exchange opens normally afterwards.
        assertInstanceOf(Omemo2Receipt.Delivered.class, bob.receive(fromAlice("hi"), BOB));
    }

    /** Alice's authentic payload, sent by mallory's server as if it came from mallory (or the reverse). */
    @Test
    void aPayloadPresentedAsAnotherSendersIsRefused() throws Exception {
        Message spoofed = stanza(SceEnvelope.write("from mallory", BOB,
                JidCreate.bareFrom("mallory@example.org"), CLOCK.instant(), random), "alice@example.org/gajim");
        assertRefused(bob.receive(spoofed, BOB), OmemoFailure.ENVELOPE_MISMATCH);
        assertNothingStored();
    }

    /**
     * A sent carbon: what another OMEMO 2 device of the same account (here "bob"'s phone, the sending store) wrote to
     * carol, with a key for this device under our own account. Its envelope names carol and us, as the stanza does.
     */
    @Test
    void aCopyOfWhatOurOtherDeviceSentOpens() throws Exception {
        Message copy = stanza(SceEnvelope.write("to carol, from my phone", CAROL, BOB, CLOCK.instant(), random),
                "bob@example.org/phone", "carol@example.org", BOB);
        Omemo2Receipt receipt = bob.receive(copy, BOB);
        assertEquals("to carol, from my phone", ((Message) assertInstanceOf(Omemo2Receipt.Delivered.class, receipt)
                .stanza().stanza()).getBody());
    }

    @Test
    void aReplayIsADuplicate() throws Exception {
        Message first = fromAlice("once");
        assertInstanceOf(Omemo2Receipt.Delivered.class, bob.receive(first, BOB));
        Message later = fromAlice("twice");
        assertInstanceOf(Omemo2Receipt.Delivered.class, bob.receive(later, BOB));
        assertRefused(bob.receive(later, BOB), OmemoFailure.DUPLICATE);
    }

    @Test
    void aPayloadThatIsNoEnvelopeIsRefused() throws Exception {
        Message raw = stanza("just text, no SCE".getBytes(StandardCharsets.UTF_8), "alice@example.org/gajim");
        assertRefused(bob.receive(raw, BOB), OmemoFailure.ENVELOPE_MALFORMED);
        assertNothingStored();
    }

    @Test
    void aMalformedElementOrOneWithoutOurKeyIsRefused() throws Exception {
        String twoHeaders = "<message xmlns='jabber:client' from='alice@example.org/x' to='bob@example.org/sotto' "
                + "id='z'><encrypted xmlns='urn:xmpp:omemo:2'><header sid='5'><keys jid='bob@example.org'>"
                + "<key rid='7'>AAAA</key></keys></header><header sid='5'/></encrypted></message>";
        assertRefused(bob.receive(PacketParserUtils.parseStanza(twoHeaders), BOB), OmemoFailure.MALFORMED);
        String otherDevice = twoHeaders.replace("<header sid='5'/>", "").replace("rid='7'",
                "rid='" + (bobBundle.deviceId() == 7 ? 8 : 7) + "'");
        assertRefused(bob.receive(PacketParserUtils.parseStanza(otherDevice), BOB),
                OmemoFailure.NOT_FOR_THIS_DEVICE);
        String fullJidKeys = otherDevice.replace("jid='bob@example.org'", "jid='bob@example.org/sotto'");
        assertRefused(bob.receive(PacketParserUtils.parseStanza(fullJidKeys), BOB), OmemoFailure.MALFORMED);
        assertNothingStored();
    }

    @Test
    void elementsSurviveTheirXml() throws Exception {
        Omemo2BundleElement bundle = Omemo2BundleElement.of(bobBundle);
        Omemo2BundleElement parsed = Omemo2BundleElement.Provider.INSTANCE.parse(
                PacketParserUtils.getParserFor(bundle.toXML().toString()));
        Omemo2Bundle again = parsed.forDevice(bobBundle.deviceId());
        assertArrayEquals(bobBundle.signedPreKeySignature(), again.signedPreKeySignature());
        assertTrue(again.signatureValid());
        Omemo2DeviceList list = Omemo2DeviceList.of(List.of(new Omemo2DeviceList.Device(5, Optional.of("Gajim"))))
                .with(9);
        Omemo2DeviceList read = Omemo2DeviceList.Provider.INSTANCE.parse(
                PacketParserUtils.getParserFor(list.toXML().toString()));
        assertEquals(List.of(5, 9), read.ids());
        assertEquals(Optional.of("Gajim"), read.devices().get(0).label(), "another client's label is kept");
        Omemo2DeviceList twice = Omemo2DeviceList.Provider.INSTANCE.parse(PacketParserUtils.getParserFor(
                "<devices xmlns='urn:xmpp:omemo:2'><device id='5'/><device id='5'/></devices>"));
        assertTrue(twice.malformedReason().isPresent());
        Omemo2BundleElement noIk = Omemo2BundleElement.Provider.INSTANCE.parse(PacketParserUtils.getParserFor(
                bundle.toXML().toString().replaceAll("<ik>[^<]*</ik>", "")));
        org.junit.jupiter.api.Assertions.assertThrows(im.sotto.protocol.omemo.OmemoException.class,
                () -> noIk.forDevice(bobBundle.deviceId()));
    }
}
