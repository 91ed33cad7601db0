package im.sotto.cli;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The local hand-off between a command and a running {@code listen} of the same account, over a Unix domain socket
 * ({@link #SOCKET}) in the account's directory: owner-only (0600 in the 0700 directory), and the server also checks
 * the connecting process runs as the same user. One request, one answer, each a frame: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON. The requests are {@code {"v":1,"request":"send","to":JID,"body":TEXT}},
 * {@code {"v":1,"request":"contacts"}} and, for the commands that only read, {@code {"v":1,"request":"outbox"}}
 * (optionally with {@code "to":JID}), {@code {"v":1,"request":"devices"}} (optionally with {@code "jid":JID}),
 * {@code {"v":1,"request":"fingerprint","qr":BOOLEAN}} and {@code {"v":1,"request":"status"}}, the trust
 * decisions {@code {"v":1,"request":"trust","jid":JID,"accept-new-key":BOOLEAN}} (optionally with
 * {@code "device":ID}), {@code {"v":1,"request":"trust-omemo","jid":JID,"version":"0.3"|"2","device":ID}} and
 * {@code {"v":1,"request":"distrust","jid":JID}} and
 * {@code {"v":1,"request":"distrust-omemo","jid":JID,"version":"0.3"|"2","device":ID}}, and the changes
 * {@code {"v":1,"request":"outbox-drop","id":ID}}
 * and {@code {"v":1,"request":"devices-remove","device":ID}}, the SAS comparison in two steps,
 * {@code {"v":1,"request":"verify","jid":JID}} (the answer is what to show and the question) and
 * {@code {"v":1,"request":"verify-answer","jid":JID,"shown":TEXT,"same":BOOLEAN}} (recorded only if the listen would
 * still show exactly TEXT), and {@code {"v":1,"request":"certify"}} with any of the text fields
 * {@link #CERTIFY_FIELDS} (absolute paths of the files the command was given), and
 * {@code {"v":1,"request":"devices-approve","code":CODE,"timeout":SECONDS}} (at most {@link #MAX_APPROVE_SECONDS});
 * the answer is
 * {@code {"exit":CODE,"out":TEXT,"err":TEXT}}, what the command prints and its exit code. Anything
 * else (another field, a missing one, another version, a frame over {@link #MAX_FRAME_BYTES}) is refused with exit
 * code 2 and changes nothing.
 */
final class HandOff {
    static final String SOCKET = "control.sock";
    static final int VERSION = 1;
    /**
     * A message may take 120 KiB after XML escaping (MessageText); JSON escapes a character into at most 6 bytes and
     * control characters are refused anyway, so 1 MiB holds any valid request and bounds what a bad one can make the
     * listen allocate.
     */
    static final int MAX_FRAME_BYTES = 1 << 20;
    /**
     * A link code lives 5 minutes (LinkCode.LIFETIME); an approval handed to the listen holds one of its threads
     * while it waits, so a longer wait is refused rather than kept.
     */
    static final long MAX_APPROVE_SECONDS = 300;
    /** The optional fields of a certify request: its options, by their names without the dashes. */
    static final List<String> CERTIFY_FIELDS = List.of("x509-anchors", "x509-crls", "openpgp-keyring", "attach-x509",
            "openpgp-statement", "attach-openpgp-signature");
    /** The fields each request may carry, by its name ({@code v} and {@code request} in all). */
    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("send", Set.of("v", "request", "to", "body")),
            Map.entry("contacts", Set.of("v", "request")),
            Map.entry("outbox", Set.of("v", "request", "to")),
            Map.entry("devices", Set.of("v", "request", "jid")),
            Map.entry("fingerprint", Set.of("v", "request", "qr")),
            Map.entry("status", Set.of("v", "request")),
            Map.entry("trust", Set.of("v", "request", "jid", "accept-new-key", "device")),
            Map.entry("distrust", Set.of("v", "request", "jid")),
            Map.entry("trust-omemo", Set.of("v", "request", "jid", "version", "device")),
            Map.entry("distrust-omemo", Set.of("v", "request", "jid", "version", "device")),
            Map.entry("outbox-drop", Set.of("v", "request", "id")),
            Map.entry("devices-remove", Set.of("v", "request", "device")),
            Map.entry("devices-approve", Set.of("v", "request", "code", "timeout")),
            Map.entry("verify", Set.of("v", "request", "jid")),
            Map.entry("verify-answer", Set.of("v", "request", "jid", "shown", "same")),
            Map.entry("certify", certifyFields()));
    /** Only the listen reads requests into a tree; the asking side never loads the mapper ({@link HandOffJson}). */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    private HandOff() {
    }

    /** A request the server accepts; {@link #parse} makes one only from a well-formed frame. */
    sealed interface Request permits Send, Contacts, Outbox, Devices, Fingerprint, Status, Trust, Distrust,
            TrustOmemo, DistrustOmemo, OutboxDrop, DevicesRemove, DevicesApprove, Verify, VerifyAnswer, Certify {
    }

    /** {@code sotto send TO BODY}. */
    record Send(String to, String body) implements Request {
    }

    /** {@code sotto contacts}, answered with the running listen's live presence. */
    record Contacts() implements Request {
    }

    /** {@code sotto outbox [JID]}. */
    record Outbox(Optional<String> to) implements Request {
    }

    /** {@code sotto devices [JID]}: the account's own devices (through the listen's connection) or a contact's. */
    record Devices(Optional<String> jid) implements Request {
    }

    /** {@code sotto fingerprint [--qr]}. */
    record Fingerprint(boolean qr) implements Request {
    }

    /** {@code sotto status}, on the listen's connection. */
    record Status() implements Request {
    }

    /** {@code sotto trust JID [--accept-new-key | --device ID]}: decided by the listen's manager. */
    record Trust(String jid, boolean acceptNewKey, Optional<Long> device) implements Request {
    }

    /** {@code sotto trust JID --omemo-device ID} ({@code omemo2} false) or {@code --omemo2-device ID}. */
    record TrustOmemo(String jid, boolean omemo2, long device) implements Request {
    }

    /** {@code sotto distrust JID --omemo-device ID} ({@code omemo2} false) or {@code --omemo2-device ID}. */
    record DistrustOmemo(String jid, boolean omemo2, long device) implements Request {
    }

    record OutboxDrop(long id) implements Request {
    }

    record DevicesRemove(long device) implements Request {
    }

    /** {@code sotto distrust JID}. */
    record Distrust(String jid) implements Request {
    }

    /**
     * {@code sotto devices approve CODE}, on the listen's connection; the code goes only over this owner-only socket.
     * Its toString leaves the code out.
     */
    record DevicesApprove(String code, long timeoutSeconds) implements Request {
        @Override
        public String toString() {
            return "DevicesApprove[code redacted, timeoutSeconds=" + timeoutSeconds + "]";
        }
    }

    /** {@code sotto verify JID}, first step: what the listen would have the user compare, and the question. */
    record Verify(String jid) implements Request {
    }

    /**
     * Second step: the user's answer to {@code shown}, the first step's text; the listen records it only if it would
     * show the same now (another session meanwhile makes the answer about something else).
     */
    record VerifyAnswer(String jid, String shown, boolean same) implements Request {
    }

    /** {@code sotto certify}: each option given, by its field name ({@link #CERTIFY_FIELDS}), as an absolute path. */
    record Certify(Map<String, String> files) implements Request {
        Certify {
            files = Map.copyOf(files);
        }
    }

    /** What the command prints and returns, produced by the listen that did the work. */
    record Answer(int exit, String out, String err) {
    }

    /** Thrown for a frame or request the protocol does not allow; nothing is done for it. */
    static final class Refused extends Exception {
        Refused(String why) {
            super(why);
        }
    }

    static Request parse(byte[] frame) throws Refused {
        JsonNode root;
        try {
            root = Mapper.JSON.readTree(frame);
        } catch (IOException e) {
            throw new Refused("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Refused("not a JSON object");
        }
        if (!root.path("v").isInt() || root.get("v").intValue() != VERSION) {
            throw new Refused("version must be " + VERSION);
        }
        String request = root.path("request").textValue();
        Set<String> allowed = request == null ? null : FIELDS.get(request);
        if (allowed == null) {
            throw new Refused("the requests are " + String.join(", ", new java.util.TreeSet<>(FIELDS.keySet())));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Refused("unknown field " + SafeText.of(name));
            }
        }
        switch (request) {
            case "send":
                if (!root.path("to").isTextual() || !root.path("body").isTextual()) {
                    throw new Refused("send needs the text fields to and body");
                }
                return new Send(root.get("to").textValue(), root.get("body").textValue());
            case "contacts":
                return new Contacts();
            case "outbox":
                return new Outbox(optionalText(root, "to"));
            case "devices":
                return new Devices(optionalText(root, "jid"));
            case "fingerprint":
                if (!root.path("qr").isBoolean()) {
                    throw new Refused("fingerprint needs the boolean field qr");
                }
                return new Fingerprint(root.get("qr").booleanValue());
            case "trust":
                if (!root.path("jid").isTextual() || !root.path("accept-new-key").isBoolean()
                        || (root.has("device") && !root.get("device").canConvertToLong())) {
                    throw new Refused("trust needs the text field jid, the boolean accept-new-key and at most a "
                            + "numeric device");
                }
                return new Trust(root.get("jid").textValue(), root.get("accept-new-key").booleanValue(),
                        root.has("device") ? Optional.of(root.get("device").longValue()) : Optional.empty());
            case "distrust":
                if (!root.path("jid").isTextual()) {
                    throw new Refused("distrust needs the text field jid");
                }
                return new Distrust(root.get("jid").textValue());
            case "trust-omemo", "distrust-omemo":
                if (!root.path("jid").isTextual() || !List.of("0.3", "2").contains(root.path("version").asText(""))
                        || !root.path("version").isTextual()) {
                    throw new Refused(request + " needs the text field jid and the version \"0.3\" or \"2\"");
                }
                String jid = root.get("jid").textValue();
                boolean omemo2 = root.get("version").textValue().equals("2");
                long device = number(root, "device");
                return request.equals("trust-omemo") ? new TrustOmemo(jid, omemo2, device)
                        : new DistrustOmemo(jid, omemo2, device);
            case "outbox-drop":
                return new OutboxDrop(number(root, "id"));
            case "devices-remove":
                return new DevicesRemove(number(root, "device"));
            case "devices-approve":
                long timeout = number(root, "timeout");
                if (timeout < 1 || timeout > MAX_APPROVE_SECONDS) {
                    throw new Refused("timeout must be 1.." + MAX_APPROVE_SECONDS + " seconds");
                }
                return new DevicesApprove(text(root, "code"), timeout);
            case "verify":
                return new Verify(text(root, "jid"));
            case "verify-answer":
                if (!root.path("same").isBoolean()) {
                    throw new Refused("verify-answer needs the boolean field same");
                }
                return new VerifyAnswer(text(root, "jid"), text(root, "shown"), root.get("same").booleanValue());
            case "certify":
                Map<String, String> files = new LinkedHashMap<>();
                for (String field : CERTIFY_FIELDS) {
                    Optional<String> path = optionalText(root, field);
                    if (path.isPresent() && !absolute(path.get())) {
                        throw new Refused(field + " must be an absolute path");
                    }
                    path.ifPresent(p -> files.put(field, p));
                }
                return new Certify(files);
            default:
                return new Status();
        }
    }

    private static long number(JsonNode root, String field) throws Refused {
        if (!root.path(field).isIntegralNumber() || !root.get(field).canConvertToLong()) {
            throw new Refused(field + " must be a whole number");
        }
        return root.get(field).longValue();
    }

    private static Set<String> certifyFields() {
        Set<String> fields = new java.util.HashSet<>(CERTIFY_FIELDS);
        fields.addAll(List.of("v", "request"));
        return Set.copyOf(fields);
    }

    private static boolean absolute(String path) {
        try {
            return java.nio.file.Path.of(path).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static String text(JsonNode root, String field) throws Refused {
        if (!root.path(field).isTextual()) {
            throw new Refused(root.path("request").textValue() + " needs the text field " + field);
        }
        return root.get(field).textValue();
    }

    private static Optional<String> optionalText(JsonNode root, String field) throws Refused {
        if (!root.has(field)) {
            return Optional.empty();
        }
        if (!root.get(field).isTextual()) {
            throw new Refused(field + " must be text");
        }
        return Optional.of(root.get(field).textValue());
    }

    static byte[] encode(Request request) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("v", VERSION);
        if (request instanceof Send send) {
            map.put("request", "send");
            map.put("to", send.to());
            map.put("body", send.body());
        } else if (request instanceof Contacts) {
            map.put("request", "contacts");
        } else if (request instanceof Outbox outbox) {
            map.put("request", "outbox");
            outbox.to().ifPresent(to -> map.put("to", to));
        } else if (request instanceof Devices devices) {
            map.put("request", "devices");
            devices.jid().ifPresent(jid -> map.put("jid", jid));
        } else if (request instanceof Fingerprint fingerprint) {
            map.put("request", "fingerprint");
            map.put("qr", fingerprint.qr());
        } else if (request instanceof Trust trust) {
            map.put("request", "trust");
            map.put("jid", trust.jid());
            map.put("accept-new-key", trust.acceptNewKey());
            trust.device().ifPresent(device -> map.put("device", device));
        } else if (request instanceof Distrust distrust) {
            map.put("request", "distrust");
            map.put("jid", distrust.jid());
        } else if (request instanceof TrustOmemo trust) {
            putOmemoDevice(map, "trust-omemo", trust.jid(), trust.omemo2(), trust.device());
        } else if (request instanceof DistrustOmemo distrust) {
            putOmemoDevice(map, "distrust-omemo", distrust.jid(), distrust.omemo2(), distrust.device());
        } else if (request instanceof OutboxDrop drop) {
            map.put("request", "outbox-drop");
            map.put("id", drop.id());
        } else if (request instanceof DevicesRemove remove) {
            map.put("request", "devices-remove");
            map.put("device", remove.device());
        } else if (request instanceof DevicesApprove approve) {
            map.put("request", "devices-approve");
            map.put("code", approve.code());
            map.put("timeout", approve.timeoutSeconds());
        } else if (request instanceof Verify verify) {
            map.put("request", "verify");
            map.put("jid", verify.jid());
        } else if (request instanceof VerifyAnswer answer) {
            map.put("request", "verify-answer");
            map.put("jid", answer.jid());
            map.put("shown", answer.shown());
            map.put("same", answer.same());
        } else if (request instanceof Certify certify) {
            map.put("request", "certify");
            CERTIFY_FIELDS.stream().filter(certify.files()::containsKey)
                    .forEach(field -> map.put(field, certify.files().get(field)));
        } else {
            map.put("request", "status");
        }
        return HandOffJson.write(map);
    }

    /** The fields of a decision about one OMEMO device, as {@link #parse} reads them back. */
    private static void putOmemoDevice(Map<String, Object> map, String request, String jid, boolean omemo2,
            long device) {
        map.put("request", request);
        map.put("jid", jid);
        map.put("version", omemo2 ? "2" : "0.3");
        map.put("device", device);
    }

    static byte[] encode(Answer answer) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("exit", answer.exit());
        map.put("out", answer.out());
        map.put("err", answer.err());
        return HandOffJson.write(map);
    }

    static Answer parseAnswer(byte[] frame) throws Refused {
        return HandOffJson.readAnswer(frame);
    }
}
