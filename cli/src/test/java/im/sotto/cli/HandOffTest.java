package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The hand-off's requests: each one read back as written, and every malformed one refused by name. */
class HandOffTest {
    @Test
    void everyRequestIsReadBackAsWritten() throws Exception {
        List<HandOff.Request> requests = List.of(new HandOff.Send("bob@example.org", "hi"), new HandOff.Contacts(),
                new HandOff.Outbox(Optional.empty()), new HandOff.Outbox(Optional.of("bob@example.org")),
                new HandOff.Devices(Optional.empty()), new HandOff.Devices(Optional.of("bob@example.org")),
                new HandOff.Fingerprint(true), new HandOff.Fingerprint(false), new HandOff.Status(),
                new HandOff.Trust("bob@example.org", false, Optional.empty()),
                new HandOff.Trust("bob@example.org", true, Optional.empty()),
                new HandOff.Trust("bob@example.org", false, Optional.of(1234567L)),
                new HandOff.Distrust("bob@example.org"), new HandOff.TrustOmemo("bob@example.org", false, 42L),
                new HandOff.TrustOmemo("bob@example.org", true, 4294967295L), new HandOff.OutboxDrop(7L),
                new HandOff.DevicesRemove(1234567L), new HandOff.DistrustOmemo("bob@example.org", false, 42L),
                new HandOff.DistrustOmemo("bob@example.org", true, 7L), new HandOff.DevicesApprove("7KQ2-M9XD", 60),
                new HandOff.Verify("bob@example.org"),
                new HandOff.VerifyAnswer("bob@example.org", "SAS with bob@example.org: ABCD EFGH\nDoes ...? ", true),
                new HandOff.VerifyAnswer("bob@example.org", "", false), new HandOff.Certify(java.util.Map.of()),
                new HandOff.Certify(java.util.Map.of("x509-anchors", "/home/alice/ca.pem", "openpgp-statement",
                        "/tmp/statement")));
        for (HandOff.Request request : requests) {
            assertEquals(request, HandOff.parse(HandOff.encode(request)));
        }
    }

    @Test
    void malformedRequestsAreRefusedWithTheReason() {
        assertRefused("{\"v\":1,\"request\":\"status\",\"as\":\"mallory\"}", "unknown field as");
        assertRefused("{\"v\":1,\"request\":\"devices\",\"to\":\"bob@example.org\"}", "unknown field to");
        assertRefused("{\"v\":1,\"request\":\"outbox\",\"to\":5}", "to must be text");
        assertRefused("{\"v\":1,\"request\":\"fingerprint\"}", "fingerprint needs the boolean field qr");
        assertRefused("{\"v\":1,\"request\":\"fingerprint\",\"qr\":\"yes\"}", "fingerprint needs the boolean field qr");
        assertRefused("{\"v\":1,\"request\":\"export-keys\"}", "the requests are certify, contacts, devices, "
                + "devices-approve, devices-remove, distrust, distrust-omemo, fingerprint, outbox, outbox-drop, send, "
                + "status, trust, trust-omemo, verify, verify-answer");
        assertRefused("{\"v\":1,\"request\":\"outbox-drop\",\"id\":\"7\"}", "id must be a whole number");
        assertRefused("{\"v\":1,\"request\":\"outbox-drop\",\"id\":7.5}", "id must be a whole number");
        assertRefused("{\"v\":1,\"request\":\"devices-remove\"}", "device must be a whole number");
        assertRefused("{\"v\":1,\"request\":\"trust-omemo\",\"jid\":\"bob@example.org\",\"version\":\"1\","
                + "\"device\":5}", "trust-omemo needs");
        assertRefused("{\"v\":1,\"request\":\"trust-omemo\",\"jid\":\"bob@example.org\",\"version\":2,"
                + "\"device\":5}", "trust-omemo needs");
        assertRefused("{\"v\":1,\"request\":\"distrust-omemo\",\"jid\":\"bob@example.org\",\"version\":\"3\","
                + "\"device\":5}", "distrust-omemo needs");
        assertRefused("{\"v\":1,\"request\":\"distrust-omemo\",\"jid\":\"bob@example.org\",\"version\":\"2\"}",
                "device must be a whole number");
        assertRefused("{\"v\":1,\"request\":\"trust\",\"jid\":\"bob@example.org\"}", "trust needs");
        assertRefused("{\"v\":1,\"request\":\"trust\",\"jid\":\"bob@example.org\",\"accept-new-key\":false,"
                + "\"device\":\"one\"}", "trust needs");
        assertRefused("{\"v\":1,\"request\":\"distrust\"}", "distrust needs the text field jid");
        assertRefused("{\"v\":2,\"request\":\"status\"}", "version must be 1");
        assertRefused("{\"v\":1,\"request\":\"send\",\"to\":\"bob@example.org\"}", "send needs the text fields");
        assertRefused("{\"v\":1,\"request\":\"verify\"}", "verify needs the text field jid");
        assertRefused("{\"v\":1,\"request\":\"devices-approve\",\"code\":\"7KQ2-M9XD\",\"timeout\":0}",
                "timeout must be 1..300 seconds");
        assertRefused("{\"v\":1,\"request\":\"devices-approve\",\"code\":\"7KQ2-M9XD\",\"timeout\":301}",
                "timeout must be 1..300 seconds");
        assertRefused("{\"v\":1,\"request\":\"devices-approve\",\"timeout\":60}",
                "devices-approve needs the text field code");
        assertRefused("{\"v\":1,\"request\":\"verify-answer\",\"jid\":\"bob@example.org\",\"shown\":\"x\"}",
                "verify-answer needs the boolean field same");
        assertRefused("{\"v\":1,\"request\":\"verify-answer\",\"jid\":\"bob@example.org\",\"same\":true}",
                "verify-answer needs the text field shown");
        // The listen runs in its own directory: a relative path would name another file than the one given.
        assertRefused("{\"v\":1,\"request\":\"certify\",\"x509-anchors\":\"ca.pem\"}",
                "x509-anchors must be an absolute path");
        assertRefused("{\"v\":1,\"request\":\"certify\",\"openpgp-statement\":\"/tmp/a\\u0000b\"}",
                "openpgp-statement must be an absolute path");
        assertRefused("{\"v\":1,\"request\":\"certify\",\"keyring\":\"/tmp/k\"}", "unknown field keyring");
    }

    @Test
    void theLinkCodeStaysOutOfLogsAndCertifyPathsAreMadeAbsolute() {
        assertFalse(new HandOff.DevicesApprove("7KQ2-M9XD", 60).toString().contains("7KQ2"));
        // The listen runs in another directory: a relative path given here is sent as the file it names here.
        java.util.Map<String, String> fields = new CertifyCommand.Given(java.nio.file.Path.of("ca.pem"), null, null,
                null, java.nio.file.Path.of("out", "statement"), null).fields();
        assertEquals(java.util.Set.of("x509-anchors", "openpgp-statement"), fields.keySet());
        assertEquals(java.nio.file.Path.of("ca.pem").toAbsolutePath().toString(), fields.get("x509-anchors"));
        assertTrue(java.nio.file.Path.of(fields.get("openpgp-statement")).isAbsolute());
        assertEquals(fields, CertifyCommand.Given.of(fields).fields());
    }

    /**
     * The asking side reads the listen's answer without Jackson's mapper (HandOffJson): what the listen writes is read
     * back exactly, line breaks, quotes and non-ASCII text included; a field added later is skipped; an answer
     * missing a field, with one of the wrong type, or with anything after the object is refused.
     */
    @Test
    void answersAreReadBackExactlyAndMalformedOnesAreRefused() throws Exception {
        HandOff.Answer answer = new HandOff.Answer(6, "held for bob@example.org\n\"quoted\" \u00e9\u4e2d\t",
                "sotto: \\ back\u0001slash\n");
        assertEquals(answer, HandOff.parseAnswer(HandOff.encode(answer)));
        assertEquals(new HandOff.Answer(0, "a", "b"), answer("{\"exit\":0,\"later\":{\"x\":[1,2]},\"out\":\"a\","
                + "\"err\":\"b\"}"));
        for (String malformed : List.of("{\"exit\":0,\"out\":\"a\"}", "{\"exit\":\"0\",\"out\":\"a\",\"err\":\"b\"}",
                "{\"exit\":0.5,\"out\":\"a\",\"err\":\"b\"}", "{\"exit\":0,\"out\":1,\"err\":\"b\"}",
                "{\"exit\":4294967296,\"out\":\"a\",\"err\":\"b\"}", "{\"exit\":0,\"out\":\"a\",\"err\":\"b\"} {}",
                "[0,\"a\",\"b\"]", "{\"exit\":0,\"out\":\"a\",\"err\":\"b\"", "")) {
            assertThrows(HandOff.Refused.class, () -> answer(malformed), malformed);
        }
    }

    private static HandOff.Answer answer(String json) throws HandOff.Refused {
        return HandOff.parseAnswer(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(String json, String reason) {
        HandOff.Refused refused = assertThrows(HandOff.Refused.class,
                () -> HandOff.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused.getMessage().startsWith(reason), refused.getMessage());
    }
}
