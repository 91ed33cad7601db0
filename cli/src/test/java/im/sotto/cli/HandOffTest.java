package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
                new HandOff.DistrustOmemo("bob@example.org", true, 7L));
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
        assertRefused("{\"v\":1,\"request\":\"export-keys\"}", "the requests are contacts, devices, "
                + "devices-remove, distrust, distrust-omemo, fingerprint, outbox, outbox-drop, send, status, trust, "
                + "trust-omemo");
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
