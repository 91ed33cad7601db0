package im.sotto.store.crash;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every (key, nonce) pair an AEAD encrypted with in the crash test's child JVMs, as SHA-256(key ‖ nonce) after a tag
 * byte, appended with one unbuffered write before the encryption happens: a SIGKILL can lose the encryption but never
 * the record of it. Keys stay out of the file; equal digests mean an equal pair.
 *
 * <p>Tags: {@code E} for an encryption whose output goes to disk or out at once (the store's own records);
 * {@code P} for a ratchet encryption whose ciphertext is still in memory; {@code X}, written just before that
 * ciphertext is handed to the network, marks its pairs as exposed. Marking before sending errs on the safe side.
 */
public final class AeadPairLog {
    static final int ENTRY_LENGTH = 33;
    private static final ThreadLocal<List<byte[]>> CAPTURE = new ThreadLocal<>();
    private static FileOutputStream out;

    private AeadPairLog() {}

    /** Puts the recording AES-GCM first in this JVM's provider list, appending to {@code file}. */
    public static synchronized void install(Path file) throws IOException {
        out = new FileOutputStream(file.toFile(), true);
        Provider provider = new Provider("SottoAeadRecorder", "1", "records AES-GCM (key, nonce) pairs") {
            private static final long serialVersionUID = 1L;

            {
                putService(new Service(this, "Cipher", "AES/GCM/NoPadding", RecordingGcmCipher.class.getName(),
                        null, null));
            }
        };
        Security.insertProviderAt(provider, 1);
    }

    /** Pairs used on this thread from now until {@link #endCapture()} are tagged {@code P}, and collected. */
    static void beginCapture() {
        CAPTURE.set(new ArrayList<>());
    }

    static List<byte[]> endCapture() {
        List<byte[]> pairs = CAPTURE.get();
        CAPTURE.remove();
        return pairs;
    }

    /** Records that the ciphertexts made with {@code pairs} are about to leave the process. */
    static synchronized void markExposed(List<byte[]> pairs) throws IOException {
        for (byte[] digest : pairs) {
            write('X', digest);
        }
    }

    static synchronized void record(byte[] key, byte[] nonce) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key);
            sha.update(nonce);
            byte[] digest = sha.digest();
            List<byte[]> capture = CAPTURE.get();
            if (capture != null) {
                capture.add(digest);
            }
            write(capture != null ? 'P' : 'E', digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(char tag, byte[] digest) throws IOException {
        byte[] entry = new byte[ENTRY_LENGTH];
        entry[0] = (byte) tag;
        System.arraycopy(digest, 0, entry, 1, digest.length);
        out.write(entry);
    }

    /** What the file says about reuse. */
    public record Findings(long encryptions, List<String> violations) {}

    /**
     * Checks the file. Violations: a pair exposed twice, or any pair used for a second encryption, exposed or not.
     * Re-encrypting after a crash between encrypting and committing derives the same message key, but the payload
     * key also depends on the fresh header nonce, so even then no (key, nonce) pair may repeat.
     */
    public static Findings check(Path file) throws IOException {
        byte[] all = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        Map<ByteBuffer, Integer> exposures = new HashMap<>();
        Set<ByteBuffer> used = new HashSet<>();
        List<String> violations = new ArrayList<>();
        long encryptions = 0;
        for (int at = 0; at + ENTRY_LENGTH <= all.length; at += ENTRY_LENGTH) {
            char tag = (char) all[at];
            ByteBuffer digest = ByteBuffer.wrap(all, at + 1, ENTRY_LENGTH - 1).slice();
            String where = "entry #" + (at / ENTRY_LENGTH) + " (" + tag + ")";
            if (tag == 'X' || tag == 'E') {
                if (exposures.merge(digest, 1, Integer::sum) > 1) {
                    violations.add(where + ": pair exposed twice");
                }
            }
            if (tag == 'E' || tag == 'P') {
                encryptions++;
                if (!used.add(digest)) {
                    violations.add(where + ": pair used twice"
                            + (exposures.containsKey(digest) ? ", after it was exposed" : ""));
                }
            } else if (tag != 'X') {
                violations.add(where + ": unknown tag");
            }
        }
        return new Findings(encryptions, violations);
    }
}
