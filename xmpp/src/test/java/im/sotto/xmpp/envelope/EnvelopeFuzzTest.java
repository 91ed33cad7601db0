package im.sotto.xmpp.envelope;

import static im.sotto.protocol.testing.FuzzCorpus.body;
import static im.sotto.protocol.testing.FuzzCorpus.prefixed;
import static im.sotto.protocol.testing.FuzzCorpus.scenario;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.xmpp.SottoProviders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Fuzz test of {@link EnvelopeCodec#open} (docs/reliability.md, "Fuzzing"): any decrypted envelope bytes open to a
 * stanza of the outer stanza's kind or throw {@link EnvelopeException}. The first input byte picks the outer stanza
 * (0 chat message, 1 iq get, 2 iq result, 3 directed presence); the rest is the envelope.
 */
class EnvelopeFuzzTest {
    private static final EnvelopeCodec CODEC = new EnvelopeCodec(
            Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));
    private static final EntityFullJid ALICE = JidCreate.entityFullFromOrThrowUnchecked("alice@a.example/laptop");
    private static final EntityFullJid BOB = JidCreate.entityFullFromOrThrowUnchecked("bob@b.example/phone");
    private static final int OUTERS = 4;

    static {
        SottoProviders.register();
    }

    /** The stanza as sealed by Alice (scenario), addressed to Bob. */
    private static Stanza inner(int scenario) {
        return switch (scenario) {
            case 1 -> new Version(BOB);
            case 2 -> {
                Version result = new Version("Sotto", "0.1", null);
                result.setType(IQ.Type.result);
                result.setTo(BOB);
                result.setStanzaId("v1");
                yield result;
            }
            case 3 -> StanzaBuilder.buildPresence("p1").to(BOB).setStatus("away").build();
            default -> StanzaBuilder.buildMessage("m1").to(BOB).ofType(Message.Type.chat).setBody("Hi & <bye>")
                    .setThread("t").build();
        };
    }

    /** The outer stanza as it arrives at Bob: the same kind and routing, from Alice. */
    private static Stanza outer(int scenario) {
        Stanza outer = switch (scenario) {
            case 0 -> StanzaBuilder.buildMessage("m1").to(BOB).from(ALICE).ofType(Message.Type.chat).build();
            case 3 -> StanzaBuilder.buildPresence("p1").to(BOB).from(ALICE).build();
            default -> inner(scenario);
        };
        outer.setFrom(ALICE);
        return outer;
    }

    @FuzzTest
    void open(byte[] data) {
        int scenario = scenario(data, OUTERS);
        Stanza outer = outer(scenario);
        try {
            OpenedStanza opened = CODEC.open(body(data), outer);
            assertEquals(StanzaKind.of(outer), opened.kind());
        } catch (EnvelopeException expected) {
            // Malformed, mis-addressed or not a stanza of that kind.
        }
    }

    @Test
    void seedCorpusIsCurrent() throws EnvelopeException {
        Map<String, byte[]> valid = new LinkedHashMap<>();
        String[] names = {"message", "iq-get", "iq-result", "presence"};
        for (int s = 0; s < OUTERS; s++) {
            byte[] sealed = CODEC.seal(inner(s));
            valid.put(names[s], prefixed(s, sealed));
            assertEquals(StanzaKind.of(outer(s)), CODEC.open(sealed, outer(s)).kind(), names[s]);
        }
        FuzzCorpus.assertCurrent("xmpp", EnvelopeFuzzTest.class, Map.of("open", valid));
    }
}
