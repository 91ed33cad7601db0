package im.sotto.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;

/**
 * What must never appear where a server can see it, in every form it could take there: raw bytes, hex in either
 * case, and base64 at each of the three alignments a value can have inside a longer base64 string. Values are added
 * under a name; {@link #foundIn} names those found. Adding returns this, so a scan reads as one expression.
 */
public final class Secrets {
    /** How much of a found form a report shows: enough to recognise it, not a whole key. */
    private static final int SHOWN_CHARS = 24;

    private final Map<String, List<String>> forms = new LinkedHashMap<>();

    /** Adds a plaintext (as UTF-8 text). */
    public Secrets text(String name, String text) {
        return bytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the long-term keys and certificate of an account and its device: private and public. */
    public Secrets account(String name, AccountIdentity identity, DeviceIdentity device) {
        bytes(name + " account public key", identity.publicKey().bytes());
        bytes(name + " account seed", identity.seed().reveal());
        bytes(name + " device public key", device.deviceKey().publicKey());
        bytes(name + " device private key", device.deviceKey().privateKey().reveal());
        bytes(name + " device certificate", device.certificate().encoded());
        return this;
    }

    public Secrets bytes(String name, byte[] value) {
        List<String> list = new ArrayList<>();
        list.add(new String(value, StandardCharsets.ISO_8859_1));
        list.add(HexFormat.of().formatHex(value));
        list.add(HexFormat.of().withUpperCase().formatHex(value));
        for (int shift = 0; shift < 3; shift++) {
            byte[] shifted = new byte[shift + value.length];
            System.arraycopy(value, 0, shifted, shift, value.length);
            String encoded = Base64.getEncoder().encodeToString(shifted);
            // Drop the characters that mix in the padding bytes before and the unknown bytes after the value.
            int start = shift == 0 ? 0 : (shift * 8 + 5) / 6;
            int end = ((shift + value.length) * 8) / 6;
            list.add(encoded.substring(start, end));
        }
        forms.put(name, list);
        return this;
    }

    /**
     * The values found in {@code haystack} (ISO-8859-1 text of raw bytes), one entry per form found: the value's
     * name and the start of the form, e.g. {@code bob device certificate as 'AQIDBAUG...'}. Empty when nothing is.
     */
    public List<String> foundIn(String haystack) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : forms.entrySet()) {
            for (String form : entry.getValue()) {
                if (haystack.contains(form)) {
                    found.add(entry.getKey() + " as '" + abbreviate(form) + "'");
                }
            }
        }
        return found;
    }

    /**
     * Every regular file under {@code directory}, concatenated as ISO-8859-1 text, each followed by a newline. A file
     * or directory removed while the tree is walked (a rotated log, a server's SQLite journal) is skipped: a walk of
     * a live server's data must not fail on what the server deletes meanwhile.
     */
    public static String readTree(Path directory) throws IOException {
        StringBuilder all = new StringBuilder();
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    try {
                        all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
                    } catch (IOException gone) {
                        // removed between the listing and the read
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;   // removed between the listing and its attributes
                }
                throw e;
            }
        });
        return all.toString();
    }

    private static String abbreviate(String form) {
        String printable = form.chars().allMatch(c -> c >= 32 && c < 127) ? form : "<binary>";
        return printable.length() > SHOWN_CHARS ? printable.substring(0, SHOWN_CHARS) + "..." : printable;
    }
}
