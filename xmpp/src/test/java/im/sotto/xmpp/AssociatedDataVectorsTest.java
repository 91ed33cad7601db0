package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Known answers for the XMPP binding's associated data (docs/protocol.md 7.2) in
 * docs/vectors/xmpp-associated-data-v2.json: for each stanza kind and type, the kind-and-type string the binding
 * reads from the outer stanza, the associated data (the sender's full JID, the recipient's bare JID), and a ratchet
 * message sealed under it from fixed seeds. The file is compared byte for byte with what this test generates;
 * {@code -Dsotto.regenerateVectors=true} rewrites it.
 */
class AssociatedDataVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String FILE = "vectors/xmpp-associated-data-v2.json";
    /** A full JID: the binding puts the sending device's resource into the associated data. */
    private static final String SENDER = "alice@example.org/phone";
    private static final String RECIPIENT = "bob@example.net";
    private static final String TIME = "2026-11-26T12:00:00Z";
    private static final String SETUP_SEED = "sotto xmpp associated data setup";
    private static final SottoEncrypted PLACEHOLDER = new SottoEncrypted(SottoEncrypted.Kind.RATCHET, new byte[1]);

    /** One outer stanza: its element, its type attribute as sent (empty: none), and the stanza Smack builds. */
    private record Kind(String element, String typeAttribute, Stanza stanza) {
    }

    private static List<Kind> kinds() {
        return List.of(
                new Kind("message", "chat", StanzaBuilder.buildMessage().ofType(Message.Type.chat).build()),
                new Kind("message", "", StanzaBuilder.buildMessage().build()),
                new Kind("message", "headline", StanzaBuilder.buildMessage().ofType(Message.Type.headline).build()),
                new Kind("presence", "", StanzaBuilder.buildPresence().build()),
                new Kind("presence", "unavailable",
                        StanzaBuilder.buildPresence().ofType(Presence.Type.unavailable).build()),
                new Kind("iq", "get", new SottoEncryptedIq(IQ.Type.get, PLACEHOLDER)),
                new Kind("iq", "set", new SottoEncryptedIq(IQ.Type.set, PLACEHOLDER)),
                new Kind("iq", "result", new SottoEncryptedIq(IQ.Type.result, PLACEHOLDER)),
                new Kind("iq", "error", new SottoEncryptedIq(IQ.Type.error, PLACEHOLDER)));
    }

    @Test
    void associatedDataMatchesTheKnownAnswers() throws Exception {
        String generated = generate();
        Path file = docsDir().resolve(FILE);
        if (Boolean.getBoolean("sotto.regenerateVectors")) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(file), "missing " + file + " (regenerate with -Dsotto.regenerateVectors=true)");
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), generated,
                "the file is not what the generator produces");
    }

    /** A message sealed under one kind's associated data opens under it and under no other kind's. */
    @Test
    void aChangedStanzaKindOrTypeFailsAuthentication() throws Exception {
        List<Kind> kinds = kinds();
        for (int i = 0; i < kinds.size(); i++) {
            byte[] ad = associatedData(kinds.get(i));
            Sessions s = sessions(kinds.get(i));
            byte[] message = s.initiator.encrypt(plaintext(kinds.get(i)), ad);
            for (int j = 0; j < kinds.size(); j++) {
                if (j == i) {
                    continue;
                }
                DecryptResult altered = s.responder.decrypt(message, associatedData(kinds.get(j)));
                assertTrue(!(altered instanceof DecryptResult.Decrypted),
                        "sealed as " + Wire.kindAndType(kinds.get(i).stanza()) + ", opened as "
                                + Wire.kindAndType(kinds.get(j).stanza()));
            }
            assertInstanceOf(DecryptResult.Decrypted.class, s.responder.decrypt(message, ad));
        }
    }

    /**
     * The sender's resource is bound: a message sealed by alice@example.org/phone does not open as sent by another
     * resource of alice's or by her bare JID (what a server that rewrites the outer {@code from} presents), and
     * opens as sent by the resource that sealed it.
     */
    @Test
    void aChangedSenderResourceFailsAuthentication() throws Exception {
        Kind chat = kinds().get(0);
        BareJid recipient = JidCreate.bareFrom(RECIPIENT);
        String kindAndType = Wire.kindAndType(chat.stanza());
        byte[] ad = Wire.associatedData(JidCreate.entityFullFrom(SENDER), recipient, kindAndType);
        for (String presented : List.of("alice@example.org/tablet", "alice@example.org", "alice@example.org/phone2")) {
            Sessions s = sessions(chat);
            byte[] message = s.initiator.encrypt(plaintext(chat), ad);
            DecryptResult altered = s.responder.decrypt(message,
                    Wire.associatedData(JidCreate.from(presented), recipient, kindAndType));
            assertTrue(!(altered instanceof DecryptResult.Decrypted), "sealed by " + SENDER + ", opened as " + presented);
            assertInstanceOf(DecryptResult.Decrypted.class, s.responder.decrypt(message, ad));
        }
    }

    private static String generate() throws Exception {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"description\" : ").append(quote("Sotto XMPP binding, associated data version 2 (the"
                + " sender's full JID, the recipient's bare JID): the caller's associated data of"
                + " ratchet and first messages (docs/protocol.md 7.2) for each kind of outer stanza, and a ratchet"
                + " message sealed under it. Ratchet sessions from fixed inputs as in ratchet-v1.json: root key,"
                + " initiator header key, responder header key and responder ratchet private key are the first 128"
                + " bytes of the stream " + SETUP_SEED + "; the initiator's stream is 'sotto xmpp associated data"
                + " <kind and type>'; clock " + TIME)).append(",\n");
        json.append("  \"sender\" : ").append(quote(SENDER)).append(",\n");
        json.append("  \"recipient\" : ").append(quote(RECIPIENT)).append(",\n");
        json.append("  \"setup_random_seed\" : ").append(quote(SETUP_SEED)).append(",\n");
        json.append("  \"vectors\" : [");
        List<String> entries = new ArrayList<>();
        for (Kind kind : kinds()) {
            byte[] ad = associatedData(kind);
            Sessions s = sessions(kind);
            byte[] message = s.initiator.encrypt(plaintext(kind), ad);
            DecryptResult opened = s.responder.decrypt(message, ad);
            assertInstanceOf(DecryptResult.Decrypted.class, opened, Wire.kindAndType(kind.stanza()));
            entries.add("\n    {\n"
                    + "      \"stanza\" : " + quote(kind.element()) + ",\n"
                    + "      \"type_attribute\" : " + quote(kind.typeAttribute()) + ",\n"
                    + "      \"kind_and_type\" : " + quote(Wire.kindAndType(kind.stanza())) + ",\n"
                    + "      \"associated_data\" : " + quote(HEX.formatHex(ad)) + ",\n"
                    + "      \"initiator_random_seed\" : " + quote(initiatorSeed(kind)) + ",\n"
                    + "      \"plaintext\" : " + quote(new String(plaintext(kind), StandardCharsets.UTF_8)) + ",\n"
                    + "      \"ratchet_message\" : " + quote(HEX.formatHex(message)) + "\n"
                    + "    }");
        }
        json.append(String.join(",", entries)).append("\n  ]\n}\n");
        return json.toString();
    }

    private static byte[] associatedData(Kind kind) throws Exception {
        org.jxmpp.jid.EntityFullJid sender = JidCreate.entityFullFrom(SENDER);
        BareJid recipient = JidCreate.bareFrom(RECIPIENT);
        return Wire.associatedData(sender, recipient, Wire.kindAndType(kind.stanza()));
    }

    private static byte[] plaintext(Kind kind) {
        return ("inside a " + Wire.kindAndType(kind.stanza())).getBytes(StandardCharsets.UTF_8);
    }

    private static String initiatorSeed(Kind kind) {
        return "sotto xmpp associated data " + Wire.kindAndType(kind.stanza());
    }

    private record Sessions(RatchetSession initiator, RatchetSession responder) {
    }

    private static Sessions sessions(Kind kind) throws Exception {
        DeterministicRandom setup = new DeterministicRandom(SETUP_SEED);
        SecretBytes root = secret(setup);
        SecretBytes hka = secret(setup);
        SecretBytes nhkb = secret(setup);
        X25519KeyPair responderKey = X25519KeyPair.fromPrivate(secret(setup));
        Clock clock = Clock.fixed(Instant.parse(TIME), ZoneOffset.UTC);
        CipherSuite suite = CipherSuite.X25519_AESGCM_SHA256;
        RatchetSession initiator = RatchetSession.initiator(suite, root, responderKey.publicKey(), hka, nhkb,
                new DeterministicRandom(initiatorSeed(kind)), clock);
        RatchetSession responder = RatchetSession.responder(suite, root, responderKey, nhkb, hka,
                new DeterministicRandom("unused: the responder draws only when it steps"), clock);
        return new Sessions(initiator, responder);
    }

    private static SecretBytes secret(DeterministicRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return SecretBytes.copyOf(b);
    }

    /**
     * The repository's docs/ folder (system property sotto.docs.dir, else ../docs from the module). Not through the
     * protocol tests' Vectors class, which needs Jackson, a library this module's tests do not otherwise use.
     */
    private static Path docsDir() {
        String configured = System.getProperty("sotto.docs.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        return Files.isDirectory(Path.of("..", "docs")) ? Path.of("..", "docs") : Path.of("docs");
    }

    /** A JSON string; the values here are ASCII without quotes, backslashes or control characters. */
    private static String quote(String s) {
        if (!s.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
            throw new IllegalArgumentException("needs escaping: " + s);
        }
        return "\"" + s + "\"";
    }
}
