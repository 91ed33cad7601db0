package im.sotto.protocol.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import org.junit.jupiter.api.Test;

/** Device labels (docs/protocol.md 7.8): signed, so a server cannot relabel devices; parsed strictly. */
class DeviceLabelTest {
    private static final Instant SINCE = Instant.parse("2026-12-01T10:00:00Z");
    private final AccountIdentity alice = AccountIdentity.generate(new DeterministicRandom("alice"));
    private final AccountIdentity server = AccountIdentity.generate(new DeterministicRandom("server"));

    @Test
    void labelsRoundTripAndANewerLabelOfADeviceReplacesTheOlder() throws Exception {
        DeviceLabels list = DeviceLabels.empty().with(DeviceLabel.sign(alice, 9, SINCE, "phone"))
                .with(DeviceLabel.sign(alice, 3, SINCE, "laptop"))
                .with(DeviceLabel.sign(alice, 9, SINCE.plusSeconds(60), "old phone"));
        DeviceLabels parsed = DeviceLabels.parse(list.encode());
        assertEquals(List.of(3L, 9L), parsed.labels().stream().map(DeviceLabel::deviceId).toList());
        assertEquals(List.of("laptop", "old phone"), parsed.signedBy(alice.publicKey()).stream()
                .map(DeviceLabel::label).toList());
        assertEquals(SINCE, parsed.labels().get(0).since());
    }

    @Test
    void aLabelTheServerSignedOrEditedIsLeftOut() throws Exception {
        // The server swaps the labels to steer "sotto devices remove" to the wrong device: it must sign them itself.
        DeviceLabels swapped = DeviceLabels.empty().with(DeviceLabel.sign(server, 3, SINCE, "phone"))
                .with(DeviceLabel.sign(alice, 9, SINCE, "phone"));
        assertEquals(List.of(9L), DeviceLabels.parse(swapped.encode()).signedBy(alice.publicKey()).stream()
                .map(DeviceLabel::deviceId).toList());
        byte[] edited = DeviceLabels.empty().with(DeviceLabel.sign(alice, 3, SINCE, "laptop")).encode();
        edited[2 + 1 + 4 + 8 + 1] ^= 0x20;   // "laptop" -> "Laptop"
        assertEquals(List.of(), DeviceLabels.parse(edited).signedBy(alice.publicKey()));
    }

    @Test
    void malformedLabelsAreTypedErrors() {
        byte[] list = DeviceLabels.empty().with(DeviceLabel.sign(alice, 3, SINCE, "laptop")).encode();
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> DeviceLabels.parse(Arrays.copyOf(list, list.length - 1))).kind());
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> DeviceLabels.parse(Arrays.copyOf(list, list.length + 1))).kind());
        byte[] control = list.clone();
        control[2 + 1 + 4 + 8 + 1] = '\n';
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> DeviceLabels.parse(control)).kind());
        byte[] version2 = list.clone();
        version2[2] = 2;
        assertEquals(DeviceStatementException.Kind.UNSUPPORTED_VERSION, assertThrows(DeviceStatementException.class,
                () -> DeviceLabels.parse(version2)).kind());
        assertThrows(IllegalArgumentException.class, () -> DeviceLabel.sign(alice, 3, SINCE, "x".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> DeviceLabel.sign(alice, 3, SINCE, "tab\there"));
    }
}
