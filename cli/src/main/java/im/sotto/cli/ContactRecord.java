package im.sotto.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * What the store keeps of one contact for {@code sotto contacts} (its record in the store's contact table, sealed
 * there): the roster subscription, the last presence seen and an unanswered request, each optional.
 *
 * <pre>
 * u8 version (1)
 * u8 has subscription, then u16 length + UTF-8
 * u8 has presence, then u16 length + UTF-8 summary, i64 epoch millis
 * u8 has pending request, then i64 epoch millis
 * </pre>
 *
 * Decoding is strict: another version, a flag other than 0 or 1, a short or a longer record is a
 * {@link Malformed}, never a default.
 */
record ContactRecord(Optional<String> subscription, Optional<RosterCache.Presence> presence,
        Optional<Instant> pendingSince) {
    static final int VERSION = 1;
    /** A subscription word or a presence summary; far above "available (resource), away (resource)". */
    private static final int MAX_TEXT_BYTES = 4096;

    /** A stored contact record that does not parse. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    boolean isEmpty() {
        return subscription.isEmpty() && presence.isEmpty() && pendingSince.isEmpty();
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeBoolean(subscription.isPresent());
            if (subscription.isPresent()) {
                text(out, subscription.get());
            }
            out.writeBoolean(presence.isPresent());
            if (presence.isPresent()) {
                text(out, presence.get().summary());
                out.writeLong(presence.get().at().toEpochMilli());
            }
            out.writeBoolean(pendingSince.isPresent());
            if (pendingSince.isPresent()) {
                out.writeLong(pendingSince.get().toEpochMilli());
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory", e);
        }
        return bytes.toByteArray();
    }

    static ContactRecord decode(byte[] record) throws Malformed {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new Malformed("contact record version " + version + ", this Sotto reads " + VERSION);
            }
            Optional<String> subscription = flag(in) ? Optional.of(text(in)) : Optional.empty();
            Optional<RosterCache.Presence> presence = flag(in)
                    ? Optional.of(new RosterCache.Presence(text(in), Instant.ofEpochMilli(in.readLong())))
                    : Optional.empty();
            Optional<Instant> pending = flag(in) ? Optional.of(Instant.ofEpochMilli(in.readLong())) : Optional.empty();
            if (in.available() != 0) {
                throw new Malformed("contact record has " + in.available() + " bytes after its end");
            }
            return new ContactRecord(subscription, presence, pending);
        } catch (IOException e) {
            throw new Malformed("contact record ends early");
        }
    }

    private static boolean flag(DataInputStream in) throws IOException, Malformed {
        int flag = in.readUnsignedByte();
        if (flag > 1) {
            throw new Malformed("contact record flag " + flag);
        }
        return flag == 1;
    }

    private static void text(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("text longer than " + MAX_TEXT_BYTES + " bytes");
        }
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String text(DataInputStream in) throws IOException, Malformed {
        int length = in.readUnsignedShort();
        if (length > MAX_TEXT_BYTES) {
            throw new Malformed("contact record text of " + length + " bytes");
        }
        byte[] utf8 = in.readNBytes(length);
        if (utf8.length != length) {
            throw new Malformed("contact record ends early");
        }
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
