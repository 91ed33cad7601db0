package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.TrustSource;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.ForeignScheme;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.RefusalReason;
import im.sotto.xmpp.IqAnswerProblem;
import im.sotto.xmpp.NotReachedReason;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SequenceRange;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.UnapprovedOmemoDevice;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/** What listen prints for the trust events: the JSON fields scripts read and the text users read. */
class EventPrinterTest {
    private static final BareJid BOB = JidCreate.bareFromOrThrowUnchecked("bob@example.org");

    private static String text(SecurityEvent event) {
        return EventLines.text(EventPrinter.describe(event)).substring("HH:mm:ss ".length());
    }

    @Test
    void sessionsShowContinuityAndPassword() {
        SecurityEvent event = new SecurityEvent.SessionEstablished(BOB, 7, SessionOrigin.ONLINE_HANDSHAKE,
                Optional.of("ABCD1234"), Optional.of(Continuity.CONFIRMED), true);
        Map<String, Object> json = EventPrinter.describe(event);
        assertEquals("CONFIRMED", json.get("continuity"));
        assertEquals("checked", json.get("password"));
        assertEquals("* encrypted session with bob@example.org (ONLINE_HANDSHAKE), SAS ABCD1234, continuity "
                + "CONFIRMED, password checked", text(event));
        assertTrue(text(new SecurityEvent.ContinuityBroken(BOB, 7)).startsWith("! continuity BROKEN with "
                + "bob@example.org device 7"));
        assertTrue(text(new SecurityEvent.HandshakeUnconfirmed(BOB, org.jxmpp.jid.impl.JidCreate.fromOrThrowUnchecked(
                "bob@example.org/phone"))).startsWith("! a known-peer handshake from bob@example.org/phone was "
                + "answered but never used"));
    }

    @Test
    void deviceApprovalAndHeldSendsSayWhatToDo() {
        assertEquals("! bob@example.org has a new device 42 awaiting your approval; nothing is sent to it until: "
                + "sotto trust bob@example.org --device 42", text(new SecurityEvent.DeviceNeedsApproval(BOB, 42)));
        SecurityEvent held = new SecurityEvent.SendFailed(BOB, "m1", SendFailure.DISTRUSTED, "why");
        assertEquals(true, EventPrinter.describe(held).get("held"));
        assertTrue(text(held).startsWith("! held for bob@example.org: DISTRUSTED (why)"), text(held));
        SecurityEvent failed = new SecurityEvent.SendFailed(BOB, "m2", SendFailure.PEER_HAS_NO_SOTTO,
                "none");
        assertTrue(text(failed).startsWith("! not sent to bob@example.org"), text(failed));
    }

    /**
     * OMEMO devices a message missed for want of approval: one line per contact and send, whatever their number, with
     * what to do; in a long-running listen or chat, the same devices again take one short line, not the full text
     * (a contact's stale devices are missed at every message). New devices are told in full.
     */
    @Test
    void unapprovedOmemoDevicesTakeOneLineAndRepeatsAShortOne() {
        UnapprovedOmemoDevice old1 = new UnapprovedOmemoDevice(1111, "aaaaaaaa bbbbbbbb");
        UnapprovedOmemoDevice old2 = new UnapprovedOmemoDevice(2222, "cccccccc dddddddd");
        assertEquals("! bob@example.org has a new OMEMO device 1111 (fingerprint aaaaaaaa bbbbbbbb) awaiting your "
                + "approval: this message was NOT encrypted to it; once the contact confirmed that fingerprint: sotto "
                + "trust bob@example.org --omemo-device 1111 (not theirs: sotto distrust bob@example.org --omemo-device "
                + "1111)", text(new SecurityEvent.OmemoDevicesNotApproved(BOB, List.of(old1), "m1", "OMEMO")));

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        EventPrinter printer = new EventPrinter(new java.io.PrintStream(bytes, true,
                java.nio.charset.StandardCharsets.UTF_8), false);
        for (String stanza : List.of("m1", "m2", "m3")) {
            printer.print(EventPrinter.describe(new SecurityEvent.OmemoDevicesNotApproved(BOB, List.of(old1, old2),
                    stanza, "OMEMO 2")));
        }
        printer.print(EventPrinter.describe(new SecurityEvent.OmemoDevicesNotApproved(BOB,
                List.of(old1, old2, new UnapprovedOmemoDevice(3333, "eeeeeeee ffffffff")), "m4", "OMEMO 2")));
        List<String> lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .map(l -> l.substring("HH:mm:ss ".length())).toList();
        assertEquals(List.of("! bob@example.org has 2 new OMEMO 2 devices 1111, 2222 awaiting your approval: this "
                        + "message was NOT encrypted to them; sotto devices bob@example.org shows their fingerprints; "
                        + "approve one the contact confirmed with sotto trust bob@example.org --omemo2-device ID, "
                        + "refuse one with sotto distrust bob@example.org --omemo2-device ID",
                "! not encrypted to bob@example.org's OMEMO 2 devices 1111, 2222 (awaiting your approval)",
                "! not encrypted to bob@example.org's OMEMO 2 devices 1111, 2222 (awaiting your approval)"),
                lines.subList(0, 3), "one line per send; the repeats short");
        assertTrue(lines.get(3).startsWith("! bob@example.org has 3 new OMEMO 2 devices 1111, 2222, 3333 awaiting"),
                "a new device is told in full: " + lines.get(3));
        assertEquals(4, lines.size());

        Map<String, Object> json = EventPrinter.describe(new SecurityEvent.OmemoDevicesNotApproved(BOB,
                List.of(old1, old2), "m5", "OMEMO"));
        assertEquals(List.of(Map.of("device", 1111L, "fingerprint", "aaaaaaaa bbbbbbbb"),
                Map.of("device", 2222L, "fingerprint", "cccccccc dddddddd")), json.get("devices"));
    }

    @Test
    void passwordGuessingSaysWhatIsHappeningAndUntilWhen() {
        SecurityEvent guessing = new SecurityEvent.PasswordGuessing(BOB, 5, Instant.parse("2026-12-01T10:00:00Z"));
        Map<String, Object> json = EventPrinter.describe(guessing);
        assertEquals("password-guessing", json.get("event"));
        assertEquals(5, json.get("failures"));
        assertEquals("! 5 password handshakes in a row with bob@example.org failed: someone may be guessing your "
                + "contact password; password handshakes with bob@example.org wait until 2026-12-01T10:00:00Z",
                text(guessing));
    }

    @Test
    void refusalsAndIgnoredAnswersNameTheirReason() throws Exception {
        SecurityEvent refused = new SecurityEvent.SessionRefused(BOB, JidCreate.from("bob@example.org/x"),
                RefusalReason.STRANGER_NOT_REVEALED, "handshake");
        assertEquals("STRANGER_NOT_REVEALED", EventPrinter.describe(refused).get("reason"));
        assertEquals("! no session with bob@example.org/x: STRANGER_NOT_REVEALED (handshake)", text(refused));
        SecurityEvent ignored = new SecurityEvent.IqAnswerIgnored(BOB, JidCreate.from("bob@example.org/x"), "i1",
                IqAnswerProblem.OTHER_DEVICE);
        assertEquals("! an answer to iq i1 from bob@example.org/x was ignored: OTHER_DEVICE", text(ignored));
    }

    @Test
    void certificationEventsNameTheirReason() {
        SecurityEvent certified = new SecurityEvent.Certified(BOB, TrustSource.X509, "CN=bob@example.org", "CN=CA",
                Instant.parse("2027-01-01T00:00:00Z"));
        assertEquals("* bob@example.org is CERTIFIED (X509): CN=bob@example.org by CN=CA until 2027-01-01T00:00:00Z",
                text(certified));
        SecurityEvent rejected = new SecurityEvent.CertificationRejected(BOB, TrustSource.X509,
                RejectionReason.UNTRUSTED_ANCHOR, "no anchor");
        assertEquals("UNTRUSTED_ANCHOR", EventPrinter.describe(rejected).get("reason"));
        assertEquals("! the X509 certification bob@example.org attached was rejected: UNTRUSTED_ANCHOR (no anchor); "
                + "trust not raised", text(rejected));
    }

    private static final String FORGED_LINE = "19:50:00 eve@example.org: I am a forged line  [VERIFIED]";

    private static DecryptedStanza message(String body) {
        Message m = StanzaBuilder.buildMessage().from(JidCreate.fromOrThrowUnchecked("bob@example.org/phone"))
                .setBody(body).build();
        return new DecryptedStanza(m, BOB, 7, Optional.empty(), TrustLevel.UNVERIFIED, true, true, Optional.empty(),
                SessionOrigin.ONLINE_HANDSHAKE, Instant.EPOCH, Optional.empty());
    }

    /** The attack of issue #18: a body that ends the line and forges the next one, trust tag included. */
    @Test
    void aBodyCannotForgeALineOrItsTrustTag() {
        String line = EventLines.text(EventPrinter.describe(message("hi\n" + FORGED_LINE + "\r\n" + FORGED_LINE)))
                .substring("HH:mm:ss ".length());
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        assertEquals("[UNVERIFIED] bob@example.org/phone: hi\\n" + FORGED_LINE + "\\r\\n" + FORGED_LINE, line);
    }

    /** U+202E would show the rest of the line reversed; ESC would start a terminal control sequence. */
    @Test
    void bidiOverridesAndTerminalControlsAreShownEscaped() {
        String line = EventLines.text(EventPrinter.describe(message("pay \u202Eevil\u202C \u001b[2J \\u202E")))
                .substring("HH:mm:ss ".length());
        assertEquals("[UNVERIFIED] bob@example.org/phone: pay \\u202Eevil\\u202C \\u001B[2J \\\\u202E", line);
        assertEquals("plain text, unicode ok: äöü 日本", SafeText.of("plain text, unicode ok: äöü 日本"));
    }

    /** Details come from the peer or the server too (an undecryptable stanza's detail, a certificate subject). */
    @Test
    void securityEventDetailsAreEscapedToo() {
        SecurityEvent forged = new SecurityEvent.CertificationRejected(BOB, TrustSource.X509,
                RejectionReason.UNTRUSTED_ANCHOR, "x\n" + FORGED_LINE);
        assertFalse(EventLines.text(EventPrinter.describe(forged)).contains("\n"));
    }

    /**
     * A plaintext message (issue #18) whose body imitates an encrypted line, trust tag and all: its line starts with
     * the UNENCRYPTED marker and no trust tag, the forged text stays on it, and a stranger is named as one.
     */
    @Test
    void anUnencryptedMessageCannotPassForAnEncryptedOne() {
        SecurityEvent plain = new SecurityEvent.UnencryptedMessage(
                JidCreate.bareFromOrThrowUnchecked("eve@example.org"), JidCreate.fromOrThrowUnchecked(
                        "eve@example.org/x"), "m", "hi\n19:50:00 [VERIFIED] bob@example.org/phone: pay eve", true);
        Map<String, Object> described = EventPrinter.describe(plain);
        assertEquals("unencrypted-message", described.get("event"));
        assertEquals(false, described.get("encrypted"));
        assertEquals(true, described.get("stranger"));
        assertFalse(described.containsKey("trust"), "plaintext has no trust level: " + described);
        assertEquals("!! UNENCRYPTED from a stranger eve@example.org/x: hi\\n19:50:00 [VERIFIED] "
                + "bob@example.org/phone: pay eve", text(described));

        SecurityEvent omemo = new SecurityEvent.ForeignEncryption(BOB, JidCreate.fromOrThrowUnchecked(
                "bob@example.org/gajim"), "m", ForeignScheme.OMEMO_0_3, false);
        assertEquals("! bob@example.org/gajim sent a message encrypted with OMEMO 0.3 "
                + "(eu.siacs.conversations.axolotl): Sotto cannot read this", text(omemo));
        assertEquals("OMEMO_0_3", EventPrinter.describe(omemo).get("scheme"));
    }

    /**
     * Every kind of security event has a line of its own (not the generic key=value fallback); a kind added to
     * {@link SecurityEvent} without one fails here.
     */
    @Test
    void everySecurityEventHasItsOwnLine() {
        SequenceRange range = SequenceRange.of(3, 5);
        List<SecurityEvent> one = List.of(
                new SecurityEvent.UndecryptableStanza(BOB, BOB, "id", UndecryptableReason.NO_SESSION,
                        "d"),
                new SecurityEvent.SessionEstablished(BOB, 7, SessionOrigin.ONLINE_HANDSHAKE, Optional.empty(),
                        Optional.empty(), false),
                new SecurityEvent.ContinuityBroken(BOB, 7),
                new SecurityEvent.MessagesMissing(BOB, 7, List.of(range)),
                new SecurityEvent.ArrivedLate(BOB, 7, 4),
                new SecurityEvent.NotAcknowledged(BOB, 7, range),
                new SecurityEvent.BundleSubstituted(BOB, 7),
                new SecurityEvent.SessionHealed(BOB, 7),
                new SecurityEvent.CapabilityMissing(BOB, "d"),
                new SecurityEvent.SendFailed(BOB, "m", SendFailure.DISTRUSTED, "d"),
                new SecurityEvent.KeyChanged(BOB, null, null),
                new SecurityEvent.DeviceNeedsApproval(BOB, 7),
                new SecurityEvent.DeviceRevoked(BOB, 7, Instant.EPOCH),
                new SecurityEvent.RevocationRefused(BOB,
                        im.sotto.protocol.device.DeviceStatementException.Kind.BAD_SIGNATURE, "d"),
                new SecurityEvent.DeviceStale(BOB, 7, Instant.EPOCH),
                new SecurityEvent.DeviceNotReached(BOB, 7, NotReachedReason.NOT_APPROVED),
                new SecurityEvent.Certified(BOB, TrustSource.X509, "s", "i", Instant.EPOCH),
                new SecurityEvent.CertificationRejected(BOB, TrustSource.X509, RejectionReason.UNTRUSTED_ANCHOR, "d"),
                new SecurityEvent.PublishFailed(BOB, "d"),
                new SecurityEvent.PasswordGuessing(BOB, 5, Instant.EPOCH),
                new SecurityEvent.OmemoUndecryptable(BOB, BOB, "id", 7, im.sotto.protocol.omemo.OmemoFailure.DUPLICATE,
                        ""),
                new SecurityEvent.OmemoDowngradeRefused(BOB, "m", 1),
                new SecurityEvent.UnencryptedMessage(BOB, BOB, "m", "b", false),
                new SecurityEvent.ForeignEncryption(BOB, BOB, "m", ForeignScheme.OMEMO_2, false),
                new SecurityEvent.OmemoDevicesNotApproved(BOB, List.of(new UnapprovedOmemoDevice(7, "0123abcd")), "m",
                        "OMEMO"),
                new SecurityEvent.ForgedCarbon(BOB, BOB, "m", true),

                new SecurityEvent.HandshakeUnconfirmed(BOB, BOB),
                new SecurityEvent.SessionRefused(BOB, BOB, RefusalReason.GROUPCHAT, "d"),
                new SecurityEvent.IqAnswerIgnored(BOB, BOB, "i", IqAnswerProblem.OTHER_DEVICE));
        Set<Class<?>> covered = new HashSet<>();
        for (SecurityEvent event : one) {
            covered.add(event.getClass());
            Map<String, Object> described = event instanceof SecurityEvent.KeyChanged ? Map.of("event", "key-changed",
                    "peer", BOB.toString(), "pinned", "A", "presented", "B") : EventPrinter.describe(event);
            String line = text(described);
            assertFalse(line.startsWith(described.get("event") + ": "), "no line of its own: " + line);
        }
        assertEquals(Set.of(SecurityEvent.class.getPermittedSubclasses()), covered,
                "kinds of SecurityEvent without a line in EventPrinter");
    }

    /** An OMEMO message is named OMEMO before anything the sender wrote; a Sotto message never is. */
    @Test
    void omemoMessagesAreLabelledOmemo() {
        Message m = StanzaBuilder.buildMessage().from(JidCreate.fromOrThrowUnchecked("carol@example.org/profanity"))
                .setBody("hi").build();
        DecryptedStanza omemo = new DecryptedStanza(m, BOB, 9, Optional.empty(), TrustLevel.UNVERIFIED, false, true,
                Optional.empty(), SessionOrigin.OMEMO, Instant.EPOCH, Optional.empty());
        assertTrue(text(EventPrinter.describe(omemo)).startsWith("[OMEMO BLIND] carol@example.org/profanity: hi"),
                text(EventPrinter.describe(omemo)));
        assertFalse(text(EventPrinter.describe(message("hi"))).contains("OMEMO"));
    }

    /** An OMEMO 2 message is named with its version, so the user can tell it from OMEMO 0.3. */
    @Test
    void omemo2MessagesAreLabelledOmemo2() {
        Message m = StanzaBuilder.buildMessage().from(JidCreate.fromOrThrowUnchecked("carol@example.org/gajim"))
                .setBody("hi").build();
        DecryptedStanza omemo2 = new DecryptedStanza(m, BOB, 9, Optional.empty(), TrustLevel.UNVERIFIED, false, true,
                Optional.empty(), SessionOrigin.OMEMO_2, Instant.EPOCH, Optional.empty());
        assertEquals("[OMEMO 2 BLIND] carol@example.org/gajim: hi", text(EventPrinter.describe(omemo2)));
    }

    /** What another OMEMO device of this account sent (a carbon) is shown as the user's own, to its recipient. */
    @Test
    void aCopyOfWhatOurOtherDeviceSentIsShownAsYours() {
        Message m = StanzaBuilder.buildMessage().from(JidCreate.fromOrThrowUnchecked("alice@example.org/phone"))
                .to(BOB).setBody("see you").build();
        DecryptedStanza copy = new DecryptedStanza(m, BOB, 9, Optional.empty(), TrustLevel.UNVERIFIED, false, true,
                Optional.empty(), SessionOrigin.OMEMO, Instant.EPOCH, Optional.empty());
        assertEquals("[OMEMO BLIND] you (device 9, alice@example.org/phone) to bob@example.org: see you",
                text(EventPrinter.describe(copy)));
        assertEquals(true, EventPrinter.describe(copy).get("yours"));
        Message fromBob = StanzaBuilder.buildMessage().from(JidCreate.fromOrThrowUnchecked("bob@example.org/x"))
                .to(JidCreate.fromOrThrowUnchecked("alice@example.org/sotto")).setBody("hi").build();
        assertFalse(EventPrinter.describe(new DecryptedStanza(fromBob, BOB, 9, Optional.empty(),
                TrustLevel.UNVERIFIED, false, true, Optional.empty(), SessionOrigin.OMEMO, Instant.EPOCH,
                Optional.empty())).containsKey("yours"), "a message from the peer is never yours");
    }

    /**
     * Issue #19: a Sotto copy of what our other device sent to bob, and a note to self from our other device, are
     * shown as ours, with the device; a message bob sent to our other device (a received copy) is bob's.
     */
    @Test
    void ownDeviceCopiesAndNotesToSelfAreShownAsYoursWithTheirDevice() {
        Message sent = StanzaBuilder.buildMessage().from(JidCreate.fromOrThrowUnchecked("alice@example.org/laptop"))
                .to(BOB).setBody("on my way").build();
        assertEquals("[UNAUTHENTICATED] you (device 7, alice@example.org/laptop) to bob@example.org: on my way",
                text(EventPrinter.describe(sotto(sent, BOB))));
        Message note = StanzaBuilder.buildMessage().from(JidCreate.fromOrThrowUnchecked("alice@example.org/laptop"))
                .to(JidCreate.fromOrThrowUnchecked("alice@example.org")).setBody("milk").build();
        Map<String, Object> described = EventPrinter.describe(sotto(note,
                JidCreate.bareFromOrThrowUnchecked("alice@example.org")));
        assertEquals(true, described.get("yours"));
        assertEquals("alice@example.org", described.get("to"));
        Message toOtherDevice = StanzaBuilder.buildMessage().from(JidCreate.fromOrThrowUnchecked("bob@example.org/x"))
                .to(JidCreate.fromOrThrowUnchecked("alice@example.org/laptop")).setBody("hi").build();
        assertFalse(EventPrinter.describe(sotto(toOtherDevice, BOB)).containsKey("yours"));
    }

    private static DecryptedStanza sotto(Message m, org.jxmpp.jid.BareJid peer) {
        return new DecryptedStanza(m, peer, 7, Optional.empty(), TrustLevel.UNVERIFIED, false, true,
                Optional.empty(), SessionOrigin.OFFLINE_FIRST_MESSAGE, Instant.EPOCH, Optional.empty());
    }

    private static String text(Map<String, Object> described) {
        return EventLines.text(described).substring("HH:mm:ss ".length());
    }
}
