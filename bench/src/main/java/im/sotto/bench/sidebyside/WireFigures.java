package im.sotto.bench.sidebyside;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.xmpp.OuterStanzas;
import im.sotto.xmpp.element.ExplicitEncryption;
import im.sotto.xmpp.element.ProcessingHint;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.envelope.EnvelopeCodec;
import im.sotto.xmpp.omemo.Axolotl;
import im.sotto.xmpp.omemo.AxolotlEncrypted;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.impl.JidCreate;
import org.whispersystems.libsignal.protocol.SignalMessage;

/**
 * Bytes on the wire for one 200-byte chat message to a single-device contact, as the whole stanza's XML: Sotto's
 * (built by the xmpp binding: {@link EnvelopeCodec}, {@link SottoEncrypted}, {@link OuterStanzas}), OMEMO 2
 * ({@code urn:xmpp:omemo:2}, XEP-0384 0.8) and OMEMO 0.3 ({@code eu.siacs.conversations.axolotl}) built from their
 * specifications, with signal-protocol-java producing the Double Ratchet key material. Padding is excluded: Sotto's
 * envelope and OMEMO 2's are measured with an empty {@code <rpad/>}. Also counts the stanzas needed to establish a
 * session. Run as a program; {@code bench/run.sh} prints its output with the timings.
 */
public final class WireFigures {
    /** 200 characters of chat text (ASCII, so 200 bytes). */
    static final String BODY = ("Are we still on for dinner at eight? I booked the little place by the river; they "
            + "close the kitchen at ten, so don't be late. Bring the book you promised, and an umbrella: rain is forecast "
            + "for the whole evening.")
            .substring(0, 200);
    static final String TO = "bob@example.org";
    static final String ID = "5f2c9a1e-8b7d-4c3a";
    // OMEMO device ids are random 31-bit integers; ten digits is the common case.
    static final String SID = "1938475610";
    static final String RID = "1203948576";

    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    /** Sizes in bytes, by row label, in display order. */
    public Map<String, Long> measure() throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        Message original = StanzaBuilder.buildMessage(ID).to(JidCreate.entityBareFrom(TO))
                .ofType(Message.Type.chat).setBody(BODY).build();
        String padded = new String(new EnvelopeCodec(clock).seal(original),
                StandardCharsets.UTF_8);
        String envelope = padded.replaceAll("<rpad>[^<]*</rpad>", "<rpad></rpad>");

        // Sotto
        SottoParties sotto = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, false);
        sotto.establish();
        byte[] ratchet = sotto.encryptToBob(envelope.getBytes(StandardCharsets.UTF_8));
        String sottoXml = OuterStanzas.message(original, new SottoEncrypted(SottoEncrypted.Kind.RATCHET, ratchet))
                .toXML().toString();
        byte[] ratchetPadded = sotto.encryptToBob(padded.getBytes(StandardCharsets.UTF_8));
        String sottoPaddedXml = OuterStanzas.message(original, new SottoEncrypted(SottoEncrypted.Kind.RATCHET,
                ratchetPadded)).toXML().toString();

        SignalJavaParties signal = new SignalJavaParties();
        signal.establish();
        StandardExtensionElement omemo2 = omemo2(signal);
        StandardExtensionElement omemo03 = omemo03(signal);

        lastSotto = sottoXml;
        lastEnvelope = envelope;
        lastOmemo2 = withExtras(original, omemo2, "urn:xmpp:omemo:2", "OMEMO");
        lastOmemo03 = withExtras(original, omemo03, "eu.siacs.conversations.axolotl", "OMEMO");
        out.put("Sotto stanza, padding excluded", utf8(sottoXml));
        out.put("OMEMO 2 stanza, same extras (fallback body, EME, store hint)", utf8(withExtras(original, omemo2,
                "urn:xmpp:omemo:2", "OMEMO")));
        out.put("OMEMO 0.3 stanza, same extras (fallback body, EME, store hint)", utf8(withExtras(original, omemo03,
                "eu.siacs.conversations.axolotl", "OMEMO")));
        // Sotto's own OMEMO 0.3 (issue #21), laid out as OmemoSender sends it: its own fallback body, EME, store hint.
        SottoOmemoParties sottoOmemo = new SottoOmemoParties();
        sottoOmemo.establish();
        out.put(SOTTO_OMEMO03, utf8(omemoLayout(original, AxolotlEncrypted.of(sottoOmemo.encryptToBob(
                BODY.getBytes(StandardCharsets.UTF_8))))));
        out.put(SIGNAL_OMEMO03, utf8(omemoLayout(original, omemo03)));
        out.put("Sotto stanza without fallback body and EME (XEP-example style)", utf8(withoutExtras(original,
                new SottoEncrypted(SottoEncrypted.Kind.RATCHET, ratchet))));
        out.put("OMEMO 2 stanza as in the XEP example (store hint only)", utf8(withoutExtras(original, omemo2)));
        out.put("OMEMO 0.3 stanza as in the XEP example (store hint only)", utf8(withoutExtras(original, omemo03)));
        out.put("Sotto stanza with padding (envelope padded to its bucket)", utf8(sottoPaddedXml));
        out.put("Sotto ratchet message, 200-byte plaintext", (long) sotto.encryptToBob(Anchors.PAYLOAD).length);
        out.put("signal-protocol-java message, 200-byte plaintext", (long) signal.establishedMessage().length);
        LibsignalParties libsignal = new LibsignalParties();
        libsignal.establish();
        out.put("libsignal-client message, 200-byte plaintext", (long) libsignal.establishedMessage().length);
        out.put("Sotto first message, 200-byte plaintext (classical)", (long) sotto.firstMessage(Anchors.PAYLOAD).length);
        SottoParties hybrid = new SottoParties(CipherSuite.X25519MLKEM768_AESGCM_SHA256, false);
        out.put("Sotto first message, 200-byte plaintext (hybrid)", (long) hybrid.firstMessage(Anchors.PAYLOAD).length);
        out.put("signal-protocol-java first message, 200-byte plaintext", (long) signal.firstMessage().length);
        out.put("libsignal-client first message, 200-byte plaintext (PQXDH)", (long) libsignal.firstMessage().length);
        return out;
    }

    /** Prints Sotto's stanza and both OMEMO stanzas (padding excluded), for reading. */
    void printStanzas() throws Exception {
        System.out.println(lastSotto);
        System.out.println(lastOmemo2);
        System.out.println(lastOmemo03);
        System.out.println(lastEnvelope);
    }

    private String lastSotto;
    private String lastOmemo2;
    private String lastOmemo03;
    private String lastEnvelope;

    /** Stanzas on the wire before and including the first one that carries application data, by setup path. */
    public Map<String, Integer> stanzasToEstablish() throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        SottoParties p = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, false);
        // Offline: the first message is the only stanza and carries the data; the receiver reads it at once.
        byte[] first = p.firstMessage(Anchors.PAYLOAD);
        out.put("first offline message (extra stanzas before the data)", first.length > 0 ? 0 : -1);
        HandshakeConfig a = HandshakeConfig.builder(p.alice).suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build();
        HandshakeConfig b = HandshakeConfig.builder(p.bob).suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build();
        out.put("online handshake, first contact (stanzas; data rides in them)",
                run(OnlineInitiator.create(a, random, clock), OnlineResponder.create(b, random, clock), false, p));
        out.put("known peer (stanzas; data rides in them)",
                run(OnlineInitiator.create(a, random, clock), OnlineResponder.create(b, random, clock), true, p));
        return out;
    }

    /**
     * Runs a handshake in which each side hands the handshake application data to carry as early as it can; returns
     * the number of stanzas until both sides hold the session, or -1 when a side's data did not arrive with them.
     */
    private static int run(OnlineInitiator initiator, OnlineResponder responder, boolean knownPeer, SottoParties p)
            throws Exception {
        byte[] fromInitiator = "from the initiator".getBytes(StandardCharsets.UTF_8);
        byte[] fromResponder = "from the responder".getBytes(StandardCharsets.UTF_8);
        byte[] next = knownPeer ? initiator.startKnownPeer(p.bob.certificate()) : initiator.start();
        int stanzas = 1;
        boolean toResponder = true;
        boolean initiatorDone = false;
        boolean responderDone = false;
        boolean dataArrived = false;
        while (true) {
            HandshakeStep step = toResponder ? responder.receive(next, fromResponder)
                    : initiator.receive(next, fromInitiator);
            if (step.result().isPresent()) {
                byte[] got = step.result().get().applicationData();
                dataArrived |= Arrays.equals(got, toResponder ? fromInitiator : fromResponder);
                if (toResponder) {
                    responderDone = true;
                } else {
                    initiatorDone = true;
                }
            }
            if (step.message().isEmpty()) {
                break;
            }
            next = step.message().get();
            stanzas++;
            toResponder = !toResponder;
        }
        return initiatorDone && responderDone && dataArrived ? stanzas : -1;
    }

    /**
     * The body in an SCE {@code <content/>} as XEP-0420 and XEP-0384 show it, with its {@code jabber:client}
     * namespace: built here, not taken from Sotto's envelope, so that a change to Sotto's markup leaves OMEMO 2's
     * figure as it is (issue #22).
     * {@link #BODY} needs no escaping in XML text.
     */
    static final String OMEMO2_CONTENT = "<content><body xmlns='jabber:client'>" + BODY + "</body></content>";

    /** OMEMO 2: SCE envelope under AES-256-CBC + HMAC; key and MAC (48 bytes) through the Double Ratchet. */
    private StandardExtensionElement omemo2(SignalJavaParties signal) throws Exception {
        String sce = "<envelope xmlns='urn:xmpp:sce:1'>" + OMEMO2_CONTENT
                + "<rpad></rpad><from jid='alice@example.org'/></envelope>";
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] material = hkdf(key, "OMEMO Payload".getBytes(StandardCharsets.US_ASCII), 80);
        Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(material, 0, 32, "AES"),
                new IvParameterSpec(material, 64, 16));
        byte[] payload = cbc.doFinal(sce.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(material, 32, 32, "HmacSHA256"));
        byte[] tag = Arrays.copyOf(mac.doFinal(payload), 16);
        byte[] keyAndTag = concat(key, tag);
        // The ratchet encrypts the 48 bytes with AES-256-CBC (64 bytes) as OMEMO 2 does; signal-protocol-java gives
        // the ciphertext, counter and ratchet key, laid out in OMEMO 2's own protobuf messages.
        SignalMessage m = signal.encryptToBob(keyAndTag);
        byte[] dhPub = Arrays.copyOfRange(m.getSenderRatchetKey().serialize(), 1, 33); // without the type byte
        byte[] omemoMessage = concat(varintField(1, m.getCounter()), varintField(2, 0), bytesField(3, dhPub),
                bytesField(4, m.getBody()));
        byte[] authenticated = concat(bytesField(1, new byte[16]), bytesField(2, omemoMessage));
        String ns = "urn:xmpp:omemo:2";
        return StandardExtensionElement.builder("encrypted", ns)
                .addElement(StandardExtensionElement.builder("header", ns).addAttribute("sid", SID)
                        .addElement(StandardExtensionElement.builder("keys", ns).addAttribute("jid", TO)
                                .addElement(StandardExtensionElement.builder("key", ns).addAttribute("rid", RID)
                                        .setText(b64(authenticated)).build())
                                .build())
                        .build())
                .addElement(StandardExtensionElement.builder("payload", ns).setText(b64(payload)).build())
                .build();
    }

    /** OMEMO 0.3: body under AES-128-GCM, key and GCM tag (32 bytes) as a Signal message. */
    private StandardExtensionElement omemo03(SignalJavaParties signal) throws Exception {
        byte[] key = new byte[16];
        byte[] iv = new byte[12];
        random.nextBytes(key);
        random.nextBytes(iv);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        byte[] sealed = gcm.doFinal(BODY.getBytes(StandardCharsets.UTF_8));
        byte[] payload = Arrays.copyOf(sealed, sealed.length - 16);
        byte[] keyAndTag = concat(key, Arrays.copyOfRange(sealed, sealed.length - 16, sealed.length));
        byte[] signalMessage = signal.encryptToBob(keyAndTag).serialize();
        String ns = "eu.siacs.conversations.axolotl";
        return StandardExtensionElement.builder("encrypted", ns)
                .addElement(StandardExtensionElement.builder("header", ns).addAttribute("sid", SID)
                        .addElement(StandardExtensionElement.builder("key", ns).addAttribute("rid", RID)
                                .setText(b64(signalMessage)).build())
                        .addElement(StandardExtensionElement.builder("iv", ns).setText(b64(iv)).build())
                        .build())
                .addElement(StandardExtensionElement.builder("payload", ns).setText(b64(payload)).build())
                .build();
    }

    /** The same routing, fallback body, EME element and store hint as Sotto's outer stanza. */
    private static String withExtras(Message original, StandardExtensionElement encrypted, String ns, String name) {
        MessageBuilder b = StanzaBuilder.buildMessage(original.getStanzaId()).to(original.getTo())
                .ofType(original.getType()).addExtension(encrypted).addExtension(new ExplicitEncryption(ns, name))
                .setBody(OuterStanzas.FALLBACK_BODY).addExtension(ProcessingHint.STORE);
        return b.build().toXML().toString();
    }

    /** Row labels of the OMEMO 0.3 stanzas in the layout Sotto's OmemoSender sends (issue #21). */
    static final String SOTTO_OMEMO03 = "Sotto's OMEMO 0.3 stanza (OmemoSender's layout: its fallback body, EME, store hint)";
    static final String SIGNAL_OMEMO03 = "signal-protocol-java's OMEMO 0.3 stanza, same layout";

    /** An OMEMO 0.3 stanza as Sotto's OmemoSender lays it out, around {@code encrypted}. */
    private static String omemoLayout(Message original, org.jivesoftware.smack.packet.ExtensionElement encrypted) {
        return StanzaBuilder.buildMessage(original.getStanzaId()).to(original.getTo()).ofType(original.getType())
                .setBody(Axolotl.FALLBACK_BODY).addExtension(encrypted).addExtension(ProcessingHint.STORE)
                .addExtension(new ExplicitEncryption(Axolotl.NAMESPACE, Axolotl.EME_NAME)).build().toXML().toString();
    }

    /** Routing, the encrypted element and the store hint only, as the XEP-0384 examples show. */
    private static String withoutExtras(Message original, org.jivesoftware.smack.packet.ExtensionElement encrypted) {
        return StanzaBuilder.buildMessage(original.getStanzaId()).to(original.getTo()).ofType(original.getType())
                .addExtension(encrypted).addExtension(ProcessingHint.STORE).build().toXML().toString();
    }

    static byte[] hkdf(byte[] ikm, byte[] info, int length) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int i = 1; out.size() < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            out.write(t, 0, Math.min(t.length, length - out.size()));
        }
        return out.toByteArray();
    }

    private static byte[] varintField(int field, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(field << 3);
        writeVarint(out, value);
        return out.toByteArray();
    }

    private static byte[] bytesField(int field, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(field << 3 | 2);
        writeVarint(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Prints the figures, one {@code label<TAB>value} line each, and with {@code --xml} the stanzas themselves. */
    public static void main(String[] args) throws Exception {
        WireFigures w = new WireFigures();
        List<String> lines = new ArrayList<>();
        w.measure().forEach((k, v) -> lines.add("bytes\t" + k + "\t" + v));
        w.stanzasToEstablish().forEach((k, v) -> lines.add("stanzas\t" + k + "\t" + v));
        lines.forEach(System.out::println);
        if (Arrays.asList(args).contains("--xml")) {
            w.printStanzas();
        }
    }
}
