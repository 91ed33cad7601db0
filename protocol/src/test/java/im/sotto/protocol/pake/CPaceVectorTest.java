package im.sotto.protocol.pake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import im.sotto.protocol.testing.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * CPace (draft-irtf-cfrg-cpace-21, G_X25519 with SHA-512) against the draft's vectors in the test resources published-vectors/cpace:
 * testvectors.json (G_25519 run, X25519_points), the decoded JSON blocks of the appendix, and the appendix's plain
 * text. Every value is recomputed through the production code (fixed scalars through the insecure test hook), every
 * failure collected, and the number of checks per file asserted, so a file that silently yields nothing fails.
 */
class CPaceVectorTest {
    private static final int TESTVECTORS_JSON_CHECKS = 30;
    private static final int DECODED_JSON_CHECKS = 48;
    private static final int APPENDIX_TEXT_CHECKS = 36;
    /** The draft: u0..u5 and u7 MUST abort; u6, u8..ub have bit 255 set and, with it cleared, are not of low order. */
    private static final Set<Integer> MUST_ABORT = Set.of(0, 1, 2, 3, 4, 5, 7);

    private final Checks checks = new Checks();

    @Test
    void draftVectors() {
        JsonNode testvectors = Vectors.published("cpace/testvectors.json");
        JsonNode decoded = Vectors.published("cpace/draft-appendix-x25519-decoded.json");
        String appendix = read("cpace/draft-appendix-x25519.txt");

        JsonNode run = testvectors.get("G_25519");
        checks.file("testvectors.json");
        protocolRun(run);
        invalidPoints(testvectors.get("X25519_points"), appendix);

        checks.file("draft-appendix-x25519-decoded.json");
        stringUtilities(decoded);
        generator(decoded.get("Test vectors for calculate_generator with group X25519"));
        protocolRun(field(decoded,
                "CPace X25519/SHA-512 full protocol run (same content as testvectors.json G_25519)"));
        JsonNode lowOrder = field(decoded, "Test vectors for G_X25519.scalar_mult_vfy: low order points");
        for (int i = 0; i < 12; i++) {
            checks.equal("decoded Invalid Y" + i, hex(testvectors.get("X25519_points"), "Invalid Y" + i),
                    hex(lowOrder, "Invalid Y" + i));
        }

        checks.file("draft-appendix-x25519.txt");
        appendixText(new Appendix(appendix), run);

        checks.assertAll(Map.of("testvectors.json", TESTVECTORS_JSON_CHECKS,
                "draft-appendix-x25519-decoded.json", DECODED_JSON_CHECKS,
                "draft-appendix-x25519.txt", APPENDIX_TEXT_CHECKS));
    }

    /** A full run: both messages, K both ways, ISK_IR and ISK_SY on both sides, both sid outputs, peer AD. */
    private void protocolRun(JsonNode v) {
        byte[] prs = hex(v, "PRS");
        byte[] ci = hex(v, "CI");
        byte[] sid = hex(v, "sid");
        byte[] ya = hex(v, "ya");
        byte[] yb = hex(v, "yb");
        byte[] adA = hex(v, "ADa");
        byte[] adB = hex(v, "ADb");
        checks.equal("g", hex(v, "g"), CPace.calculateGenerator(prs, ci, sid));

        CPace a = CPace.insecureWithFixedScalar(CPace.Role.INITIATOR, prs, ci, sid, adA, ya);
        CPace b = CPace.insecureWithFixedScalar(CPace.Role.RESPONDER, prs, ci, sid, adB, yb);
        checks.equal("message A = lv_cat(Ya, ADa)", CPaceEncoding.lvCat(hex(v, "Ya"), adA), a.message());
        checks.equal("message B = lv_cat(Yb, ADb)", CPaceEncoding.lvCat(hex(v, "Yb"), adB), b.message());
        checks.equal("K = scalar_mult_vfy(ya, Yb)", hex(v, "K"), CPace.scalarMultVfy(ya, hex(v, "Yb")));
        checks.equal("K = scalar_mult_vfy(yb, Ya)", hex(v, "K"), CPace.scalarMultVfy(yb, hex(v, "Ya")));
        finish("initiator-responder", a, b, hex(v, "ISK_IR"), hex(v, "sid_output_ir"), adA, adB);

        CPace sa = CPace.insecureWithFixedScalar(CPace.Role.SYMMETRIC, prs, ci, sid, adA, ya);
        CPace sb = CPace.insecureWithFixedScalar(CPace.Role.SYMMETRIC, prs, ci, sid, adB, yb);
        finish("symmetric", sa, sb, hex(v, "ISK_SY"), hex(v, "sid_output_oc"), adA, adB);
    }

    private void finish(String mode, CPace a, CPace b, byte[] isk, byte[] sidOutput, byte[] adA, byte[] adB) {
        try {
            byte[] messageA = a.message();
            CPaceResult ra = a.finish(b.message());
            CPaceResult rb = b.finish(messageA);
            checks.equal(mode + " ISK at A", isk, ra.isk().reveal());
            checks.equal(mode + " ISK at B", isk, rb.isk().reveal());
            checks.equal(mode + " sid_output at A", sidOutput, ra.sidOutput());
            checks.equal(mode + " sid_output at B", sidOutput, rb.sidOutput());
            checks.equal(mode + " ADb seen by A", adB, ra.peerAssociatedData());
            checks.equal(mode + " ADa seen by B", adA, rb.peerAssociatedData());
        } catch (PakeException e) {
            checks.fail(mode + " run aborted: " + e.getMessage());
        }
    }

    /**
     * testvectors.json's "Invalid Y0..Y11" are the appendix's u0..ub. Received in a message, those whose
     * scalar_mult_vfy result is the neutral element must abort with INVALID_POINT, for either role; the others are
     * bit-255-set encodings that, with the bit cleared as RFC 7748 requires, are not of low order: no abort.
     */
    private void invalidPoints(JsonNode points, String appendixText) {
        Appendix appendix = new Appendix(appendixText);
        byte[] s = appendix.single("s = ");
        Set<Integer> aborted = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            byte[] u = hex(points, "Invalid Y" + i);
            String name = "Invalid Y" + i;
            String ui = "u" + Integer.toHexString(i);
            checks.equal(name + " = " + ui, appendix.single(ui + ": "), u);
            boolean initiatorAborted = aborts(CPace.Role.INITIATOR, s, u);
            boolean responderAborted = aborts(CPace.Role.RESPONDER, s, u);
            if (initiatorAborted != responderAborted) {
                checks.fail(name + ": initiator and responder disagree on aborting");
            }
            if (initiatorAborted) {
                aborted.add(i);
            }
        }
        checks.equal("points that abort", new TreeSet<>(MUST_ABORT).toString(), aborted.toString());
    }

    private boolean aborts(CPace.Role role, byte[] scalar, byte[] peerShare) {
        CPace party = CPace.insecureWithFixedScalar(role, "Password".getBytes(StandardCharsets.US_ASCII),
                new byte[0], new byte[0], new byte[0], scalar);
        try {
            party.finish(CPaceEncoding.lvCat(peerShare, "AD".getBytes(StandardCharsets.US_ASCII)));
            return false;
        } catch (PakeException e) {
            if (e.kind() != PakeException.Kind.INVALID_POINT) {
                checks.fail("abort of the wrong kind: " + e.kind());
            }
            return true;
        }
    }

    private void stringUtilities(JsonNode d) {
        JsonNode p = d.get("prepend_len test vectors");
        checks.equal("prepend_len(b'')", hex(p, "prepend_len(b'')"), CPaceEncoding.prependLen(new byte[0]));
        checks.equal("prepend_len(b'1234')", hex(p, "prepend_len(b'1234')"), CPaceEncoding.prependLen(ascii("1234")));
        checks.equal("prepend_len(range(127))", hex(p, "prepend_len(bytes(range(127)))"),
                CPaceEncoding.prependLen(range(127)));
        checks.equal("prepend_len(range(128))", hex(p, "prepend_len(bytes(range(128)))"),
                CPaceEncoding.prependLen(range(128)));

        checks.equal("lv_cat", hex(d.get("Testvector for lv_cat()"), "lv_cat(b'1234',b'5',b'',b'678')"),
                CPaceEncoding.lvCat(ascii("1234"), ascii("5"), new byte[0], ascii("678")));

        JsonNode o = d.get("Test vectors ordered concatenation");
        checks.equal("o_cat(ABCD, BCD)", hex(o, "o_cat(b'ABCD',b'BCD')"),
                CPaceEncoding.oCat(ascii("ABCD"), ascii("BCD")));
        checks.equal("o_cat(BCD, ABCDE)", hex(o, "o_cat(b'BCD',b'ABCDE')"),
                CPaceEncoding.oCat(ascii("BCD"), ascii("ABCDE")));

        JsonNode ir = d.get("Test vectors transcript_ir function");
        checks.equal("transcript_ir 1", hex(ir, "transcript_ir(b'123',b'PartyA',b'234',b'PartyB')"),
                CPaceEncoding.transcriptIr(ascii("123"), ascii("PartyA"), ascii("234"), ascii("PartyB")));
        checks.equal("transcript_ir 2", hex(ir, "transcript_ir(b'3456',b'PartyA',b'2345',b'PartyB')"),
                CPaceEncoding.transcriptIr(ascii("3456"), ascii("PartyA"), ascii("2345"), ascii("PartyB")));
        JsonNode oc = d.get("Test vectors for transcript_oc function");
        checks.equal("transcript_oc 1", hex(oc, "transcript_oc(b'123',b'PartyA',b'234',b'PartyB')"),
                CPaceEncoding.transcriptOc(ascii("123"), ascii("PartyA"), ascii("234"), ascii("PartyB")));
        checks.equal("transcript_oc 2", hex(oc, "transcript_oc(b'3456',b'PartyA',b'2345',b'PartyB')"),
                CPaceEncoding.transcriptOc(ascii("3456"), ascii("PartyA"), ascii("2345"), ascii("PartyB")));
    }

    private void generator(JsonNode g) {
        byte[] prs = hex(g, "PRS");
        byte[] ci = hex(g, "CI");
        byte[] sid = hex(g, "sid");
        byte[] dsi = hex(g, "DSI");
        checks.equal("DSI", ascii("CPace255"), dsi);
        checks.equal("H.s_in_bytes", "128", g.get("H.s_in_bytes").asText());
        byte[] generatorString = CPaceEncoding.generatorString(dsi, prs, ci, sid, 128);
        checks.equal("generator_string", hex(g, "generator_string(G.DSI,PRS,CI,sid,H.s_in_bytes)"), generatorString);
        checks.equal("ZPAD length", g.get("ZPAD length").asText(),
                String.valueOf(generatorString.length - CPaceEncoding.lvCat(dsi, prs, new byte[0], ci, sid).length));
        byte[] hash = Arrays.copyOf(im.sotto.protocol.crypto.HashAlgorithm.SHA512.digest(generatorString), 32);
        checks.equal("hash generator string", hex(g, "hash generator string"), hash);
        byte[] u = hash.clone();
        u[31] &= 0x7f;
        checks.equal("decoded field element", hex(g, "decoded field element of 255 bits"), u);
        checks.equal("Elligator2(u)", hex(g, "generator g"), Elligator2Curve25519.mapToCurve(u));
        checks.equal("calculate_generator", hex(g, "generator g"), CPace.calculateGenerator(prs, ci, sid));
    }

    private void appendixText(Appendix t, JsonNode run) {
        byte[] prs = hex(run, "PRS");
        byte[] ci = hex(run, "CI");
        byte[] sid = hex(run, "sid");
        byte[] adA = hex(run, "ADa");
        byte[] adB = hex(run, "ADb");
        String gen = "### Test vectors for calculate_generator with group X25519";
        checks.equal("CI", t.single("CI = "), ci);
        checks.equal("sid", t.single("sid = "), sid);
        checks.equal("generator_string", t.block(gen, "generator_string(G.DSI,PRS,CI,sid,H.s_in_bytes):"),
                CPaceEncoding.generatorString(ascii("CPace255"), prs, ci, sid, 128));
        checks.equal("generator g", t.block(gen, "generator g:"), CPace.calculateGenerator(prs, ci, sid));

        byte[] ya = t.block("### Test vector for message from A", "ya (little endian):");
        byte[] yb = t.block("### Test vector for message from B", "yb (little endian):");
        byte[] shareA = t.block("### Test vector for message from A", "Ya:");
        byte[] shareB = t.block("### Test vector for message from B", "Yb:");
        CPace a = CPace.insecureWithFixedScalar(CPace.Role.INITIATOR, prs, ci, sid, adA, ya);
        CPace b = CPace.insecureWithFixedScalar(CPace.Role.RESPONDER, prs, ci, sid, adB, yb);
        checks.equal("Ya", CPaceEncoding.lvCat(shareA, adA), a.message());
        checks.equal("Yb", CPaceEncoding.lvCat(shareB, adB), b.message());
        byte[] k = CPace.scalarMultVfy(ya, shareB);
        checks.equal("K (ya, Yb)", t.block("### Test vector for secret points K", "scalar_mult_vfy(ya,Yb):"), k);
        checks.equal("K (yb, Ya)", t.block("### Test vector for secret points K", "scalar_mult_vfy(yb,Ya):"),
                CPace.scalarMultVfy(yb, shareA));

        String ir = "### Test vector for ISK calculation initiator/responder";
        byte[] transcriptIr = CPaceEncoding.transcriptIr(shareA, adA, shareB, adB);
        checks.equal("transcript_ir", t.block(ir, "transcript_ir(Ya,ADa,Yb,ADb):"), transcriptIr);
        checks.equal("DSI_ISK (ir)", t.block(ir, "DSI = G.DSI_ISK"), ascii("CPace255_ISK"));
        checks.equal("ISK input (ir)", t.block(ir, "lv_cat(DSI,sid,K)||transcript_ir(Ya,ADa,Yb,ADb):"),
                CPaceEncoding.concat(CPaceEncoding.lvCat(ascii("CPace255_ISK"), sid, k), transcriptIr));
        checks.equal("ISK_IR", t.block(ir, "ISK result:"), CPace.deriveIsk(sid, k, transcriptIr).reveal());

        String oc = "### Test vector for ISK calculation parallel execution";
        byte[] transcriptOc = CPaceEncoding.transcriptOc(shareA, adA, shareB, adB);
        checks.equal("transcript_oc", t.block(oc, "transcript_oc(Ya,ADa,Yb,ADb):"), transcriptOc);
        checks.equal("DSI_ISK (oc)", t.block(oc, "DSI = G.DSI_ISK"), ascii("CPace255_ISK"));
        checks.equal("ISK input (oc)", t.block(oc, "lv_cat(DSI,sid,K)||transcript_oc(Ya,ADa,Yb,ADb):"),
                CPaceEncoding.concat(CPaceEncoding.lvCat(ascii("CPace255_ISK"), sid, k), transcriptOc));
        checks.equal("ISK_SY", t.block(oc, "ISK result:"), CPace.deriveIsk(sid, k, transcriptOc).reveal());

        String so = "### Test vector for optional output of session id";
        try {
            checks.equal("sid_output_ir", t.block(so, "H.hash(b\"CPaceSidOutput\" + transcript_ir"),
                    a.finish(b.message()).sidOutput());
        } catch (PakeException e) {
            checks.fail("appendix run aborted: " + e.getMessage());
        }
        CPace sa = CPace.insecureWithFixedScalar(CPace.Role.SYMMETRIC, prs, ci, sid, adA, ya);
        CPace sb = CPace.insecureWithFixedScalar(CPace.Role.SYMMETRIC, prs, ci, sid, adB, yb);
        try {
            checks.equal("sid_output_oc", t.block(so, "H.hash(b\"CPaceSidOutput\" + transcript_oc"),
                    sb.finish(sa.message()).sidOutput());
        } catch (PakeException e) {
            checks.fail("appendix symmetric run aborted: " + e.getMessage());
        }

        lexicographicOrder(t);
        byte[] s = t.single("s = ");
        for (int i = 0; i < 12; i++) {
            String n = Integer.toHexString(i);
            checks.equal("q" + n + " = scalar_mult_vfy(s, u" + n + ")", t.single("q" + n + ": "),
                    CPace.scalarMultVfy(s, t.single("u" + n + ": ")));
        }
    }

    /** The appendix's six lexiographically_larger lines, with their Python byte literals. */
    private void lexicographicOrder(Appendix t) {
        Pattern line = Pattern.compile("lexiographically_larger\\(b\"([^\"]*)\", b\"([^\"]*)\"\\) == (True|False)");
        Matcher m = line.matcher(t.text);
        while (m.find()) {
            boolean expected = m.group(3).equals("True");
            checks.equal(m.group(), String.valueOf(expected), String.valueOf(
                    CPaceEncoding.lexicographicallyLarger(pythonBytes(m.group(1)), pythonBytes(m.group(2)))));
        }
    }

    /** b"..." contents: ASCII characters and single-digit octal escapes such as \0 and \1. */
    private static byte[] pythonBytes(String literal) {
        List<Byte> out = new ArrayList<>();
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\') {
                out.add((byte) (literal.charAt(++i) - '0'));
            } else {
                out.add((byte) c);
            }
        }
        byte[] b = new byte[out.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = out.get(i);
        }
        return b;
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null) {
            throw new IllegalStateException("vector field missing: " + name);
        }
        return v;
    }

    private static byte[] hex(JsonNode node, String name) {
        return Vectors.hex(field(node, name).asText().toLowerCase());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] range(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static String read(String relative) {
        try {
            return Files.readString(Vectors.publishedDir().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The appendix text: hex blocks under a label within a section, and one-line "label hex" values. */
    private static final class Appendix {
        private static final Pattern HEX_LINE = Pattern.compile("\\s+([0-9a-f]+)\\s*");
        final String text;
        private final String[] lines;

        Appendix(String text) {
            this.text = text;
            this.lines = text.split("\n");
        }

        /** The hex lines following the first line starting with {@code label} after the section header. */
        byte[] block(String section, String label) {
            int i = indexOf(section, 0);
            i = indexOf(label, i + 1);
            StringBuilder hex = new StringBuilder();
            for (int j = i + 1; j < lines.length; j++) {
                Matcher m = HEX_LINE.matcher(lines[j]);
                if (m.matches()) {
                    hex.append(m.group(1));
                } else if (hex.length() > 0 || !lines[j].trim().startsWith("(length")) {
                    break;
                }
            }
            if (hex.length() == 0) {
                throw new IllegalStateException("no hex after " + label);
            }
            return Vectors.hex(hex.toString());
        }

        /** The hex on the first line that, trimmed, is {@code prefix} followed by nothing but hex digits. */
        byte[] single(String prefix) {
            for (String line : lines) {
                String t = line.trim();
                if (t.startsWith(prefix) && t.substring(prefix.length()).matches("[0-9a-f]+")) {
                    return Vectors.hex(t.substring(prefix.length()));
                }
            }
            throw new IllegalStateException("appendix line not found: " + prefix);
        }

        private int indexOf(String start, int from) {
            for (int i = from; i < lines.length; i++) {
                if (lines[i].trim().startsWith(start)) {
                    return i;
                }
            }
            throw new IllegalStateException("appendix line not found: " + start);
        }
    }

    /** Collects every comparison per vector file; asserts once. */
    private static final class Checks {
        private final Map<String, Integer> perFile = new LinkedHashMap<>();
        private final List<String> failures = new ArrayList<>();
        private String file = "?";

        void file(String name) {
            file = name;
            perFile.putIfAbsent(name, 0);
        }

        void equal(String what, byte[] expected, byte[] actual) {
            count();
            if (!Arrays.equals(expected, actual)) {
                failures.add(file + ": " + what + ": expected " + Vectors.hex(expected) + ", got "
                        + Vectors.hex(actual));
            }
        }

        void equal(String what, String expected, String actual) {
            count();
            if (!expected.equals(actual)) {
                failures.add(file + ": " + what + ": expected " + expected + ", got " + actual);
            }
        }

        void fail(String why) {
            count();
            failures.add(file + ": " + why);
        }

        private void count() {
            perFile.merge(file, 1, Integer::sum);
        }

        void assertAll(Map<String, Integer> expected) {
            StringBuilder line = new StringBuilder("cpace vectors:");
            perFile.forEach((f, n) -> line.append(' ').append(f).append(' ').append(n).append(" checks,"));
            line.append(' ').append(failures.size()).append(" failed");
            System.out.println(line);
            assertTrue(failures.isEmpty(), "CPace vector failures:\n" + String.join("\n", failures));
            assertEquals(expected, perFile, "number of checks per vector file");
        }
    }
}
