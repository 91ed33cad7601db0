package im.sotto.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the store's own decoders (docs/reliability.md, "Fuzzing"): the encrypted-value format, the plaintext
 * row layouts inside it, the key-wrap row and the key file. A damaged or hostile file yields only the typed
 * exceptions: {@link StoreFailureException} for values and rows, {@link StoreOpenException} for key material.
 */
class StoreRecordFuzzTest {
    private static final String TABLE = "sessions";
    private static final String COLUMN = "record";
    private static final byte[] ROW_KEY = {1, 2, 3, 4};
    private static final RecordCipher CIPHER = new RecordCipher(SecretBytes.copyOf(new byte[32]),
            new DeterministicRandom("fuzz store cipher"));
    private static final Path DIRECTORY = temporaryDirectory();
    /** A key file made from a fixed seed, and the key-wrap row it unlocks. */
    private static final Path KEY_FILE = DIRECTORY.resolve("store.key");
    private static final KeyWrap KEY_FILE_WRAP = keyFileWrap(KEY_FILE);
    private static final Path FUZZED_KEY_FILE = DIRECTORY.resolve("fuzzed.key");

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("sotto-fuzz-store");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyWrap keyFileWrap(Path keyFile) {
        try {
            Files.deleteIfExists(keyFile);
            KeyWrap wrap = KeyWrap.wrap(Protection.keyFile(keyFile), new byte[KeyWrap.STORAGE_KEY_LENGTH],
                    new DeterministicRandom("fuzz store key file"));
            keyFile.toFile().deleteOnExit();
            return wrap;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void encryptedValue(byte[] data) {
        try {
            CIPHER.open(TABLE, COLUMN, ROW_KEY, data);
        } catch (StoreFailureException expected) {
            // Damaged, moved or foreign.
        }
    }

    @FuzzTest
    void addressRow(byte[] data) {
        try {
            SessionAddress address = RowCodec.parseAddress(data);
            assertEquals(address, RowCodec.parseAddress(RowCodec.address(address)));
        } catch (StoreFailureException expected) {
            // Does not parse.
        }
    }

    @FuzzTest
    void queuedRow(byte[] data) {
        try {
            RowCodec.parseQueued(data);
        } catch (StoreFailureException expected) {
            // Does not parse.
        }
    }

    @FuzzTest
    void logEntryRow(byte[] data) {
        try {
            LogEntry entry = RowCodec.parseLogEntry(data);
            assertEquals(entry, RowCodec.parseLogEntry(RowCodec.logEntry(entry)));
        } catch (StoreFailureException expected) {
            // Does not parse.
        }
    }

    /**
     * The key-wrap row as SQLite returns it: method, salt, the three Argon2id parameters and the wrapped key, each
     * nullable. The input is a sequence of fields (see {@link #row}). A key-file row that parses is then unwrapped
     * with the fixture's key file, which either opens it or says the key file does not fit.
     */
    @FuzzTest
    void keyWrapRow(byte[] data) {
        ByteReader r = new ByteReader(data);
        String method = string(field(r));
        byte[] salt = field(r);
        Long memory = number(field(r));
        Long iterations = number(field(r));
        Long parallelism = number(field(r));
        byte[] wrapped = field(r);
        KeyWrap wrap;
        try {
            wrap = KeyWrap.parse(method, salt, memory, iterations, parallelism, wrapped);
        } catch (StoreOpenException expected) {
            return;
        }
        if (wrap.method() == Protection.Method.KEY_FILE) {
            try {
                assertEquals(KeyWrap.STORAGE_KEY_LENGTH, wrap.unwrap(Protection.keyFile(KEY_FILE)).length);
            } catch (StoreOpenException expected) {
                // Altered: the key file does not unlock it.
            }
        }
    }

    /** Any bytes in an owner-only key file: a 32-byte key, or {@link StoreOpenException}. */
    @FuzzTest
    void keyFile(byte[] data) throws IOException {
        Files.deleteIfExists(FUZZED_KEY_FILE);
        Files.createFile(FUZZED_KEY_FILE, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                "rw-------")));
        Files.write(FUZZED_KEY_FILE, data);
        try {
            assertEquals(KeyWrap.STORAGE_KEY_LENGTH, KeyFile.read(FUZZED_KEY_FILE).length);
        } catch (StoreOpenException expected) {
            // Not a key file.
        }
    }

    /** One nullable field of a fuzzed row: absent or flag 0 is SQL NULL, flag 1 is followed by a u16 vector. */
    private static byte[] field(ByteReader r) {
        try {
            return r.remaining() == 0 || r.u8() == 0 ? null : r.vector16(0xffff, "field");
        } catch (MalformedInputException e) {
            return null;
        }
    }

    private static String string(byte[] field) {
        return field == null ? null : new String(field, StandardCharsets.UTF_8);
    }

    private static Long number(byte[] field) {
        if (field == null) {
            return null;
        }
        long v = 0;
        for (byte b : field) {
            v = v << 8 | (b & 0xff);
        }
        return v;
    }

    static byte[] row(String method, byte[] salt, Long memory, Long iterations, Long parallelism, byte[] wrapped) {
        ByteWriter w = new ByteWriter();
        writeField(w, method == null ? null : method.getBytes(StandardCharsets.UTF_8));
        writeField(w, salt);
        for (Long n : new Long[] {memory, iterations, parallelism}) {
            writeField(w, n == null ? null : new ByteWriter().u64(n).toByteArray());
        }
        writeField(w, wrapped);
        return w.toByteArray();
    }

    private static void writeField(ByteWriter w, byte[] field) {
        if (field == null) {
            w.u8(0);
        } else {
            w.u8(1).vector16(field);
        }
    }

    @Test
    void seedCorpusIsCurrent() throws Exception {
        FuzzCorpus.assertCurrent("store", StoreRecordFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() throws Exception {
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        RecordCipher cipher = new RecordCipher(SecretBytes.copyOf(new byte[32]),
                new DeterministicRandom("fuzz store cipher"));
        seeds.put("encryptedValue", Map.of("record", cipher.seal(TABLE, COLUMN, ROW_KEY, new byte[] {9, 9, 9}),
                "empty", cipher.seal(TABLE, COLUMN, ROW_KEY, new byte[0])));
        SessionAddress bob = new SessionAddress("bob@example.org", 42);
        seeds.put("addressRow", Map.of("address", RowCodec.address(bob)));
        seeds.put("queuedRow", Map.of("queued", RowCodec.queued("bob@example.org",
                "<message to='bob@example.org'/>".getBytes(StandardCharsets.UTF_8))));
        seeds.put("logEntryRow", Map.of("received", RowCodec.logEntry(new LogEntry(LogEntry.Direction.RECEIVED, bob,
                "m-1", Instant.parse("2026-11-26T12:00:00Z"), "hello".getBytes(StandardCharsets.UTF_8)))));

        Map<String, byte[]> rows = new LinkedHashMap<>();
        rows.put("key-file", row(Protection.Method.KEY_FILE.stored, null, null, null, null, KEY_FILE_WRAP.wrappedKey()));
        Argon2idParameters p = Argon2idParameters.RECOMMENDED;
        rows.put("passphrase", row(Protection.Method.PASSPHRASE.stored, new byte[Argon2idParameters.SALT_LENGTH],
                (long) p.memoryKib(), (long) p.iterations(), (long) p.parallelism(), KEY_FILE_WRAP.wrappedKey()));
        seeds.put("keyWrapRow", rows);
        assertArrayEquals(new byte[KeyWrap.STORAGE_KEY_LENGTH], KEY_FILE_WRAP.unwrap(Protection.keyFile(KEY_FILE)));

        seeds.put("keyFile", Map.of("key-file", Files.readAllBytes(KEY_FILE)));
        return seeds;
    }
}
