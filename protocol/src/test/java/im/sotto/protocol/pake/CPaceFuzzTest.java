package im.sotto.protocol.pake;

import static im.sotto.protocol.testing.FuzzCorpus.body;
import static im.sotto.protocol.testing.FuzzCorpus.prefixed;
import static im.sotto.protocol.testing.FuzzCorpus.scenario;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.FuzzCorpus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzz test of CPace's message parser (docs/reliability.md, "Fuzzing"): any peer message finishes the exchange or
 * throws {@link PakeException}. The first input byte picks the party (0 initiator, 1 responder, 2 symmetric).
 */
class CPaceFuzzTest {
    private static final byte[] PASSWORD = "amber lighthouse".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CI = "alice@example.org|bob@example.org".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SID = new byte[16];
    private static final int PARTIES = 3;

    private static CPace party(int role, String who) {
        DeterministicRandom random = new DeterministicRandom("fuzz cpace " + who + " " + role);
        byte[] ad = ("AD " + who).getBytes(StandardCharsets.UTF_8);
        return switch (role) {
            case 0 -> CPace.initiator(PASSWORD, CI, SID, ad, random);
            case 1 -> CPace.responder(PASSWORD, CI, SID, ad, random);
            default -> CPace.symmetric(PASSWORD, CI, SID, ad, random);
        };
    }

    @FuzzTest
    void finish(byte[] data) {
        CPace local = party(scenario(data, PARTIES), "local");
        try {
            CPaceResult result = local.finish(body(data));
            assertEquals(64, result.isk().length());
        } catch (PakeException expected) {
            // A malformed message or a low-order share.
        }
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("protocol", CPaceFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Map<String, byte[]> valid = new LinkedHashMap<>();
        String[] names = {"to-initiator", "to-responder", "symmetric"};
        int[] peerRole = {1, 0, 2};
        for (int role = 0; role < PARTIES; role++) {
            valid.put(names[role], prefixed(role, party(peerRole[role], "peer").message()));
        }
        valid.put("low-order-share", prefixed(0, CPaceEncoding.lvCat(new byte[CPace.FIELD_SIZE_BYTES],
                "AD peer".getBytes(StandardCharsets.UTF_8))));
        return Map.of("finish", valid);
    }
}
