package im.sotto.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The plaintext row layouts, byte for byte as docs/protocol.md ("Stored records") specifies them and as stores
 * written by earlier versions hold them: a change here strands existing data.
 */
class RowLayoutTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String PEER_HEX = "000f" + HEX.formatHex("bob@example.org".getBytes(StandardCharsets.UTF_8));
    private static final SessionAddress BOB = new SessionAddress("bob@example.org", 7);

    @Test
    void addressRow() {
        String expected = PEER_HEX + "0000000000000007";
        assertEquals(expected, HEX.formatHex(RowCodec.address(BOB)));
        assertEquals(BOB, RowCodec.parseAddress(HEX.parseHex(expected)));
    }

    @Test
    void queuedRow() {
        String expected = PEER_HEX + "010203";
        assertEquals(expected, HEX.formatHex(RowCodec.queued("bob@example.org", new byte[] {1, 2, 3})));
        RowCodec.QueuedRow row = RowCodec.parseQueued(HEX.parseHex(expected));
        assertEquals("bob@example.org", row.peer());
        assertArrayEquals(new byte[] {1, 2, 3}, row.stanza());
    }

    @Test
    void logEntryRow() {
        LogEntry entry = new LogEntry(LogEntry.Direction.RECEIVED, BOB, "id1", Instant.ofEpochMilli(1000),
                new byte[] {9});
        String expected = "01" + PEER_HEX + "0000000000000007" + "0003" + HEX.formatHex("id1".getBytes(
                StandardCharsets.UTF_8)) + "00000000000003e8" + "00000001" + "09";
        assertEquals(expected, HEX.formatHex(RowCodec.logEntry(entry)));
        assertEquals(entry, RowCodec.parseLogEntry(HEX.parseHex(expected)));
    }

    @Test
    void keyWrapBindsArgon2idParametersAsBigEndianU32s() {
        byte[] salt = new byte[Argon2idParameters.SALT_LENGTH];
        salt[15] = 0x5a;
        Argon2idParameters parameters = new Argon2idParameters(Argon2idParameters.MAX_MEMORY_KIB, 3, 4);
        assertEquals("00400000" + "00000003" + "00000004" + "0000000000000000000000000000005a",
                HEX.formatHex(parameters.bind(salt)));
    }

    @Test
    void rowKeysAreEightBytesBigEndian() {
        assertEquals("0000000000000102", HEX.formatHex(RowCodec.u64(258)));
    }
}
