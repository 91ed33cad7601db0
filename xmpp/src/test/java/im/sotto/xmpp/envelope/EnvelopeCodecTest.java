package im.sotto.xmpp.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import im.sotto.xmpp.SottoProviders;
import im.sotto.xmpp.envelope.EnvelopeException.Kind;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;

class EnvelopeCodecTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final EnvelopeCodec CODEC = new EnvelopeCodec(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final String NS = "urn:xmpp:sce:1";

    static {
        SottoProviders.register();
    }

    @Test
    void messageContentIsSealedInALiteralEnvelopePaddedToABucket() throws Exception {
        Message message = StanzaBuilder.buildMessage("m1").to(jid("bob@b.example")).ofType(Message.Type.chat)
                .setBody("Hi").build();
        String xml = new String(CODEC.seal(message), StandardCharsets.UTF_8);
        String expectedStart = "<envelope xmlns='urn:xmpp:sce:1'><content><body>Hi</body></content><rpad>";
        String expectedEnd = "</rpad><time stamp='2026-01-02T03:04:05Z'/></envelope>";
        assertTrue(xml.startsWith(expectedStart), xml);
        assertTrue(xml.endsWith(expectedEnd), xml);
        assertEquals(256, xml.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void everyStanzaKindComesBackOfTheSameKindWithItsContent() throws Exception {
        Message message = StanzaBuilder.buildMessage("m1").to(jid("bob@b.example")).ofType(Message.Type.chat)
                .setBody("Hello & <goodbye>").setThread("t").build();
        Message openedMessage = (Message) roundTrip(message, message.getTo()).stanza();
        assertEquals("Hello & <goodbye>", openedMessage.getBody());
        assertEquals("t", openedMessage.getThread());

        Presence presence = StanzaBuilder.buildPresence("p1").to(jid("bob@b.example/phone")).setStatus("busy")
                .setMode(Presence.Mode.dnd).build();
        Presence openedPresence = (Presence) roundTrip(presence, presence.getTo()).stanza();
        assertEquals("busy", openedPresence.getStatus());
        assertEquals(Presence.Mode.dnd, openedPresence.getMode());

        Version get = new Version(jid("bob@b.example/phone"));
        OpenedStanza openedGet = roundTrip(get, get.getTo());
        assertEquals(StanzaKind.IQ, openedGet.kind());
        assertTrue(openedGet.stanza() instanceof Version);
        assertEquals(IQ.Type.get, ((IQ) openedGet.stanza()).getType());
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), openedGet.sentAt(), "whole seconds, UTC");
    }

    /**
     * The stanza's own children (jabber:client) go into the content without a namespace declaration, every other
     * element keeps its own; the opener reads them back as the stanza's children: the rebuilt message is the original
     * with the server's routing, byte for byte. An envelope in XEP-0420's declared form opens the same.
     */
    @Test
    void bodyThreadSubjectAndAForeignExtensionRoundTripExactly() throws Exception {
        StandardExtensionElement foreign = StandardExtensionElement.builder("x", "urn:example:foreign")
                .addAttribute("a", "1").addElement("y", "text & more").build();
        Message message = StanzaBuilder.buildMessage("m9").to(jid("bob@b.example")).ofType(Message.Type.chat)
                .setSubject("plans").setBody("dinner at <eight>?").setThread("t-1").addExtension(foreign).build();
        String sealed = new String(CODEC.seal(message), StandardCharsets.UTF_8);
        String content = "<content><subject>plans</subject><body>dinner at &lt;eight&gt;?</body><thread>t-1</thread>"
                + "<x xmlns='urn:example:foreign' a='1'><y>text &amp; more</y></x></content>";
        assertTrue(sealed.contains(content), sealed);

        Message outer = StanzaBuilder.buildMessage("m9").to(jid("bob@b.example/phone")).from(alice())
                .ofType(Message.Type.chat).build();
        String expected = message.asBuilder().to(jid("bob@b.example/phone")).from(alice()).build().toXML().toString();
        assertEquals(expected, CODEC.open(sealed.getBytes(StandardCharsets.UTF_8), outer).stanza().toXML().toString());
        String declared = sealed.replace("<subject>", "<subject xmlns='jabber:client'>")
                .replace("<body>", "<body xmlns='jabber:client'>").replace("<thread>", "<thread xmlns='jabber:client'>");
        assertEquals(expected, CODEC.open(declared.getBytes(StandardCharsets.UTF_8), outer).stanza().toXML().toString());
    }

    /** An element of the envelope's own namespace anywhere in the content would be read back as jabber:client. */
    @Test
    void anElementOfTheEnvelopesNamespaceIsNotSealed() {
        StandardExtensionElement hidden = StandardExtensionElement.builder("x", "urn:example:foreign")
                .addElement(StandardExtensionElement.builder("body", NS).setText("not a body").build()).build();
        Message message = StanzaBuilder.buildMessage().to(jid("bob@b.example")).setBody("x").addExtension(hidden)
                .build();
        assertEquals(Kind.UNEXPECTED_ELEMENT, assertThrows(EnvelopeException.class, () -> CODEC.seal(message)).kind());
    }

    @Test
    void largerContentGoesToTheNextBucketAndTooLargeIsRefused() throws Exception {
        Message big = StanzaBuilder.buildMessage().to(jid("bob@b.example")).setBody("x".repeat(3000)).build();
        assertEquals(4096, CODEC.seal(big).length);
        Message huge = StanzaBuilder.buildMessage().to(jid("bob@b.example")).setBody("x".repeat(PaddingBuckets.LARGEST)).build();
        assertEquals(Kind.TOO_LARGE, assertThrows(EnvelopeException.class, () -> CODEC.seal(huge)).kind());
    }

    @Test
    void broadcastPresenceIsNotCarried() {
        Presence broadcast = StanzaBuilder.buildPresence().build();
        assertEquals(Kind.UNSUPPORTED_STANZA,
                assertThrows(EnvelopeException.class, () -> CODEC.seal(broadcast)).kind());
    }

    /**
     * No {@code <to/>} and no {@code <from/>} are written: the associated data binds the recipient's account and the
     * sender's full JID (Wire.associatedData; AssociatedDataVectorsTest, ReorderDropInjectIT). The affixes of an
     * envelope sealed before they were dropped are still checked: the recipient as a bare JID, the sender exactly.
     */
    @Test
    void noRoutingAffixIsWrittenAndOldOnesAreStillChecked() throws Exception {
        Message message = StanzaBuilder.buildMessage().to(jid("bob@b.example")).setBody("x").build();
        String sealed = new String(CODEC.seal(message), StandardCharsets.UTF_8);
        assertTrue(!sealed.contains("<to") && !sealed.contains("<from"), sealed);
        byte[] old = sealed.replace("</envelope>", "<to jid='bob@b.example'/><from jid='alice@a.example/laptop'/>"
                + "</envelope>").getBytes(StandardCharsets.UTF_8);
        assertEquals(Kind.TO_MISMATCH, openError(old, outer("carol@c.example/x", "alice@a.example/laptop")));
        assertEquals(Kind.FROM_MISMATCH, openError(old, outer("bob@b.example/x", "mallory@m.example/laptop")));
        assertEquals(Kind.FROM_MISMATCH, openError(old, outer("bob@b.example/x", "alice@a.example/other")));
        // Delivered to any of Bob's resources: the recipient is compared as a bare JID.
        assertEquals("x", ((Message) CODEC.open(old, outer("bob@b.example/tablet", "alice@a.example/laptop"))
                .stanza()).getBody());
    }

    @Test
    void malformedEnvelopesAreTypedErrors() throws Exception {
        String content = "<content><body xmlns='jabber:client'>x</body></content>";
        String affixes = "<time stamp='2026-01-02T03:04:05Z'/><to jid='bob@b.example'/><from jid='alice@a.example/laptop'/>";
        Map<String, Kind> cases = Map.ofEntries(
                Map.entry("<envelope xmlns='" + NS + "'>" + content + affixes, Kind.MALFORMED),
                Map.entry("<envelope xmlns='urn:other'>" + content + affixes + "</envelope>", Kind.MALFORMED),
                Map.entry("<!DOCTYPE e [<!ENTITY a 'b'>]><envelope xmlns='" + NS + "'>" + content + affixes
                        + "</envelope>", Kind.MALFORMED),
                Map.entry("<envelope xmlns='" + NS + "'>" + affixes + "</envelope>", Kind.MISSING_CONTENT),
                Map.entry("<envelope xmlns='" + NS + "'>" + content
                        + "<to jid='bob@b.example'/><from jid='alice@a.example/laptop'/></envelope>", Kind.MISSING_AFFIX),
                Map.entry("<envelope xmlns='" + NS + "'>" + content + "<rpad/></envelope>", Kind.MISSING_AFFIX),
                Map.entry("<envelope xmlns='" + NS + "'>" + content + content + affixes + "</envelope>",
                        Kind.DUPLICATE_ELEMENT),
                Map.entry("<envelope xmlns='" + NS + "'>" + content + affixes + "<to jid='x@y'/></envelope>",
                        Kind.DUPLICATE_ELEMENT),
                Map.entry("<envelope xmlns='" + NS + "'>" + content + affixes + "<extra/></envelope>",
                        Kind.UNEXPECTED_ELEMENT),
                Map.entry("<envelope xmlns='" + NS + "'>" + content + "<rpad><b/></rpad>" + affixes + "</envelope>",
                        Kind.UNEXPECTED_ELEMENT),
                Map.entry("<envelope xmlns='" + NS + "'><content><encrypted xmlns='https://sotto.im/protocol/1' "
                        + "kind='ratchet'>AA==</encrypted></content>" + affixes + "</envelope>", Kind.UNEXPECTED_ELEMENT),
                Map.entry("<envelope xmlns='" + NS + "'>" + content + "<time stamp='yesterday'/>"
                        + "<to jid='bob@b.example'/><from jid='alice@a.example/laptop'/></envelope>", Kind.MALFORMED),
                Map.entry("<envelope xmlns='" + NS + "'>" + content + "<time stamp='2026-01-02T03:04:05Z' x='1'/>"
                        + "<to jid='bob@b.example'/><from jid='alice@a.example/laptop'/></envelope>", Kind.MALFORMED),
                Map.entry("<envelope xmlns='" + NS + "'>" + content + affixes + "</envelope><more/>", Kind.MALFORMED),
                Map.entry("<envelope xmlns='" + NS + "'><content>text</content>" + affixes + "</envelope>",
                        Kind.MALFORMED),
                Map.entry("<envelope xmlns='" + NS + "'><content><a xmlns='urn:x'>" + "<a>".repeat(39) + "</a>".repeat(40)
                        + "</content>" + affixes + "</envelope>", Kind.MALFORMED));
        Stanza outer = outer("bob@b.example/x", "alice@a.example/laptop");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Kind> entry : cases.entrySet()) {
            Kind actual;
            try {
                CODEC.open(entry.getKey().getBytes(StandardCharsets.UTF_8), outer);
                actual = null;
            } catch (EnvelopeException e) {
                actual = e.kind();
            }
            if (actual != entry.getValue()) {
                wrong.add(entry.getValue() + " expected, got " + actual + ": " + entry.getKey());
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(Kind.MALFORMED, openError(new byte[] {(byte) 0xff, (byte) 0xfe}, outer));
        assertEquals(Kind.TOO_LARGE, openError(new byte[PaddingBuckets.LARGEST + 1], outer));
    }

    @Test
    void anIqRequestWithoutExactlyOneQueryIsRefused() throws Exception {
        Version get = new Version(jid("bob@b.example/phone"));
        byte[] sealed = CODEC.seal(get);
        String twoQueries = new String(sealed, StandardCharsets.UTF_8)
                .replace("</content>", "<ping xmlns='urn:xmpp:ping'/></content>");
        IQ outer = new Version(jid("bob@b.example/phone"));
        outer.setFrom(alice());
        assertEquals(Kind.UNSUPPORTED_STANZA, openError(twoQueries.getBytes(StandardCharsets.UTF_8), outer));
    }

    private static OpenedStanza roundTrip(Stanza inner, org.jxmpp.jid.Jid deliveredTo) throws Exception {
        byte[] sealed = CODEC.seal(inner);
        Stanza outer = inner instanceof Message
                ? StanzaBuilder.buildMessage(inner.getStanzaId()).to(deliveredTo).from(alice())
                        .ofType(((Message) inner).getType()).build()
                : inner instanceof Presence
                        ? StanzaBuilder.buildPresence(inner.getStanzaId()).to(deliveredTo).from(alice()).build()
                        : inner;
        if (outer == inner) {
            outer.setFrom(alice());
        }
        return CODEC.open(sealed, outer);
    }

    private static Stanza outer(String to, String from) throws Exception {
        return StanzaBuilder.buildMessage().to(jid(to)).from(jid(from)).build();
    }

    private static Kind openError(byte[] envelope, Stanza outer) {
        return assertThrows(EnvelopeException.class, () -> CODEC.open(envelope, outer)).kind();
    }

    private static EntityFullJid alice() {
        return JidCreate.entityFullFromOrThrowUnchecked("alice@a.example/laptop");
    }

    private static org.jxmpp.jid.Jid jid(String jid) {
        return JidCreate.fromOrThrowUnchecked(jid);
    }
}
