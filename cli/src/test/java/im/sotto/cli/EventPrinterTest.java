package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.handshake.Continuity;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.TrustSource;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SessionOrigin;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/** What listen prints for the trust events: the JSON fields scripts read and the text users read. */
class EventPrinterTest {
    private static final BareJid BOB = JidCreate.bareFromOrThrowUnchecked("bob@example.org");

    private static String text(SecurityEvent event) {
        return EventPrinter.text(EventPrinter.describe(event)).substring("HH:mm:ss ".length());
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
    }

    @Test
    void deviceApprovalAndHeldSendsSayWhatToDo() {
        assertEquals("! bob@example.org has a new device 42 awaiting your approval; nothing is sent to it until: "
                + "sotto trust bob@example.org --device 42", text(new SecurityEvent.DeviceNeedsApproval(BOB, 42)));
        SecurityEvent held = new SecurityEvent.SendFailed(BOB, "m1", SecurityEvent.SendFailure.DISTRUSTED, "why");
        assertEquals(true, EventPrinter.describe(held).get("held"));
        assertTrue(text(held).startsWith("! held for bob@example.org: DISTRUSTED (why)"), text(held));
        SecurityEvent failed = new SecurityEvent.SendFailed(BOB, "m2", SecurityEvent.SendFailure.PEER_HAS_NO_SOTTO,
                "none");
        assertTrue(text(failed).startsWith("! not sent to bob@example.org"), text(failed));
    }

    @Test
    void refusalsAndIgnoredAnswersNameTheirReason() throws Exception {
        SecurityEvent refused = new SecurityEvent.SessionRefused(BOB, JidCreate.from("bob@example.org/x"),
                SecurityEvent.RefusalReason.STRANGER_NOT_REVEALED, "handshake");
        assertEquals("STRANGER_NOT_REVEALED", EventPrinter.describe(refused).get("reason"));
        assertEquals("! no session with bob@example.org/x: STRANGER_NOT_REVEALED (handshake)", text(refused));
        SecurityEvent ignored = new SecurityEvent.IqAnswerIgnored(BOB, JidCreate.from("bob@example.org/x"), "i1",
                SecurityEvent.IqAnswerProblem.OTHER_DEVICE);
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
}
