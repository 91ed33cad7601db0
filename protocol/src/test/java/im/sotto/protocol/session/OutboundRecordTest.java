package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The outbound queue's typed records (docs/protocol.md 11.6), and the prefixed rows written before them. */
class OutboundRecordTest {
    private static final String XML = "<message to='bob@example.org' type='chat'><body>h\u00e9</body></message>";

    @Test
    void typedRecordsRoundTripWithTheirExactBytes() {
        OutboundRecord.Waiting waiting = new OutboundRecord.Waiting(Optional.of(Instant.ofEpochMilli(0x0102030405L)),
                "<m/>", Optional.empty());
        byte[] bytes = OutboundRecord.encode(waiting);
        assertEquals("0101" + "0000000102030405" + "00" + "00000004" + "3c6d2f3e", HexFormat.of().formatHex(bytes));
        assertEquals(waiting, OutboundRecord.decode(bytes));

        OutboundRecord.Waiting failed = new OutboundRecord.Waiting(Optional.empty(), XML, Optional.empty())
                .failed(new OutboundRecord.Failure("PEER_HAS_NO_SOTTO", "no bundle"));
        byte[] failedBytes = OutboundRecord.encode(failed);
        assertEquals("0101ffffffffffffffff01" + "0011" + HexFormat.of().formatHex("PEER_HAS_NO_SOTTO".getBytes())
                + "0009" + HexFormat.of().formatHex("no bundle".getBytes()),
                HexFormat.of().formatHex(failedBytes, 0, 11 + 2 + 17 + 2 + 9));
        assertEquals(failed, OutboundRecord.decode(failedBytes));

        OutboundRecord.Unacknowledged copy = new OutboundRecord.Unacknowledged("<message id='x'/>");
        byte[] copyBytes = OutboundRecord.encode(copy);
        assertEquals("0102", HexFormat.of().formatHex(copyBytes, 0, 2));
        assertEquals(copy, OutboundRecord.decode(copyBytes));
    }

    /** Rows an earlier version wrote are still read: the two binding kinds and the command-line client's outbox. */
    @Test
    void thePrefixedRowsOfEarlierVersionsAreRead() {
        assertEquals(new OutboundRecord.Waiting(Optional.empty(), XML, Optional.empty()), OutboundRecord.decode(
                ("sotto-manager stanza v1\n" + XML).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(new OutboundRecord.Unacknowledged(XML), OutboundRecord.decode(
                ("sotto-manager unacknowledged v1\n" + XML).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(new OutboundRecord.LegacyMessageBody("hello \u00e4"), OutboundRecord.decode(
                ("sotto-cli message v1\nhello \u00e4").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertArrayEquals(("sotto-cli message v1\nx").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                OutboundRecord.Legacy.CLI_MESSAGE.row("x"));
    }

    @Test
    void damagedOrForeignRowsAreTypedErrors() {
        byte[] good = OutboundRecord.encode(new OutboundRecord.Waiting(Optional.empty(), XML, Optional.empty()));
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(good, cut);
            assertThrows(IllegalStateException.class, () -> OutboundRecord.decode(truncated), "cut at " + cut);
        }
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalStateException.class, () -> OutboundRecord.decode(trailing));
        assertThrows(IllegalStateException.class, () -> OutboundRecord.decode(new byte[] {1, 9, 0}));
        assertThrows(IllegalStateException.class, () -> OutboundRecord.decode(new byte[] {2, 1}));
        assertThrows(IllegalStateException.class, () -> OutboundRecord.decode("sotto-app v1\nx".getBytes()));
        assertThrows(IllegalArgumentException.class,
                () -> OutboundRecord.encode(new OutboundRecord.LegacyMessageBody("never written")));
    }
}
