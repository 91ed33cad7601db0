package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.offline.FirstReply;

import org.junit.jupiter.api.Test;

/** The frame-type questions a transport asks, answered from the codes of docs/protocol.md 4.2 and 6.4. */
class HandshakeMessagesTest {
    private static byte[] frame(int type) {
        return new byte[] {1, (byte) type, 7, 7, 7};
    }

    @Test
    void openingsRetriesAndCounterOffersAreToldApartByTheirType() {
        for (Frame.Type t : Frame.Type.values()) {
            byte[] m = frame(t.code);
            boolean opening = t == Frame.Type.INIT || t == Frame.Type.RETRY_INIT || t == Frame.Type.KNOWN_PEER_INIT;
            assertEquals(opening, HandshakeMessages.opensHandshake(m), t.name());
            assertEquals(t == Frame.Type.RETRY_INIT, HandshakeMessages.isRetry(m), t.name());
            assertEquals(t == Frame.Type.COUNTER_OFFER, HandshakeMessages.isCounterOffer(m), t.name());
            assertEquals(t.name(), HandshakeMessages.typeName(m));
        }
        assertEquals(0x10, Frame.Type.INIT.code);
        assertEquals(0x14, Frame.Type.COUNTER_OFFER.code);
        assertEquals(0x15, Frame.Type.RETRY_INIT.code);
        assertEquals(0x16, Frame.Type.KNOWN_PEER_INIT.code);
    }

    /**
     * The side each type comes from, as section 4 has them sent: a transport uses it to tell a stale message (one
     * from an earlier handshake with the roles the other way round) from a tampered one.
     */
    @Test
    void eachTypeNamesTheSideThatSendsIt() {
        for (Frame.Type t : Frame.Type.values()) {
            java.util.Optional<HandshakeMessages.Sender> expected = switch (t) {
                case INIT, RETRY_INIT, KNOWN_PEER_INIT, INITIATOR_FINISH ->
                        java.util.Optional.of(HandshakeMessages.Sender.INITIATOR);
                case RESPONSE, RESPONDER_FINISH, COUNTER_OFFER ->
                        java.util.Optional.of(HandshakeMessages.Sender.RESPONDER);
                case CONTINUITY_CONFIRM -> java.util.Optional.empty();
            };
            assertEquals(expected, HandshakeMessages.sender(frame(t.code)), t.name());
        }
        for (byte[] m : new byte[][] {{}, {1}, frame(0x01), frame(0x21), frame(0xff)}) {
            assertTrue(HandshakeMessages.sender(m).isEmpty());
        }
    }

    @Test
    void shortAndForeignMessagesAreNothing() {
        for (byte[] m : new byte[][] {{}, {1}, frame(0x01), frame(0x21), frame(0xff)}) {
            assertFalse(HandshakeMessages.opensHandshake(m));
            assertFalse(HandshakeMessages.isCounterOffer(m));
            assertFalse(HandshakeMessages.isRetry(m));
        }
        assertEquals("none", HandshakeMessages.typeName(new byte[] {1}));
        assertEquals("255", HandshakeMessages.typeName(frame(0xff)));
    }

    @Test
    void aFirstReplyIsToldByItsType() {
        assertTrue(FirstReply.isFirstReply(new byte[] {2, 0x21, 0}));
        assertTrue(FirstReply.isFirstReply(new byte[] {1, 0x21}));
        assertFalse(FirstReply.isFirstReply(new byte[] {1, 0x01, 0}));
        assertFalse(FirstReply.isFirstReply(new byte[] {0x21}));
        assertFalse(FirstReply.isFirstReply(new byte[0]));
    }
}
