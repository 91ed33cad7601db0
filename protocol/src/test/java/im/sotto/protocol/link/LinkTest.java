package im.sotto.protocol.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.pake.CPace;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Linking a new device with a one-time code (docs/protocol.md 12), and the attacks on it. */
class LinkTest {
    private static final String JID = "alice@example.org";
    private static final Instant NOW = TestDevices.CLOCK.instant();

    private final DeterministicRandom random = new DeterministicRandom("link test");
    private final AccountIdentity account = AccountIdentity.generate(random);
    private final DeviceIdentity existing = TestDevices.device(account, random);

    private LinkApprover approver(LinkCode code) {
        return LinkApprover.start(account, existing.certificate(), JID, code, random);
    }

    @Test
    void theRightCodeCertifiesTheNewDeviceKeyUnderTheSameAccount() throws Exception {
        LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
        LinkApprover approver = approver(LinkCode.parse(newDevice.code().display()));
        byte[] accept = reply(newDevice.handle(approver.offer(), NOW));
        LinkApprover.Approval approval = approver.handle(accept, NOW.plusSeconds(1));
        LinkRequester.Linked linked = assertInstanceOf(LinkRequester.Linked.class,
                newDevice.handle(approval.grant(), NOW.plusSeconds(2)));

        assertEquals(account.publicKey(), linked.account().publicKey());
        assertEquals(account.publicKey(), linked.device().certificate().accountKey());
        assertEquals(newDevice.deviceId(), linked.device().deviceId());
        assertEquals(approval.certificate(), linked.device().certificate());
        assertEquals(existing.certificate().suiteIds(), linked.device().certificate().suiteIds());
        linked.device().certificate().checkValidAt(NOW);
        // Nothing secret crosses in clear: neither the seed nor the account key is in any message.
        for (byte[] message : new byte[][] {approver.offer(), accept, approval.grant()}) {
            assertFalse(contains(message, account.seed().reveal()), "seed in clear");
            assertFalse(contains(message, account.publicKey().bytes()), "account key in clear");
        }
    }

    @Test
    void aWrongCodeFailsOnBothSidesAndGrantsNothing() throws Exception {
        LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
        LinkCode typo = otherCode(newDevice.code());
        LinkApprover approver = approver(typo);
        byte[] accept = reply(newDevice.handle(approver.offer(), NOW));

        LinkException atApprover = assertThrows(LinkException.class, () -> approver.handle(accept, NOW));
        assertEquals(LinkFailure.WRONG_CODE, atApprover.failure());
        assertFalse(atApprover.reportedByPeer());
        byte[] abort = atApprover.abortForPeer().orElseThrow();

        LinkException atNewDevice = assertThrows(LinkException.class, () -> newDevice.handle(abort, NOW));
        assertEquals(LinkFailure.WRONG_CODE, atNewDevice.failure());
        assertTrue(atNewDevice.reportedByPeer());
        // Both attempts are over: the right accept again gets no grant, and the code cannot be retried.
        assertEquals(LinkFailure.ALREADY_USED,
                assertThrows(LinkException.class, () -> approver.handle(accept, NOW)).failure());
        LinkApprover second = approver(LinkCode.parse(newDevice.code().display()));
        assertEquals(LinkFailure.ALREADY_USED,
                assertThrows(LinkException.class, () -> newDevice.handle(second.offer(), NOW)).failure());
    }

    @Test
    void anExpiredCodeIsRefusedAndTheApproverIsToldSo() throws Exception {
        LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
        LinkApprover approver = approver(newDevice.code());
        LinkException expired = assertThrows(LinkException.class,
                () -> newDevice.handle(approver.offer(), NOW.plus(LinkCode.LIFETIME)));
        assertEquals(LinkFailure.EXPIRED, expired.failure());
        LinkException told = assertThrows(LinkException.class,
                () -> approver.handle(expired.abortForPeer().orElseThrow(), NOW));
        assertEquals(LinkFailure.EXPIRED, told.failure());
        assertTrue(told.reportedByPeer());
    }

    @Test
    void aGrantArrivingAfterTheLifetimeLinksNothing() throws Exception {
        LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
        LinkApprover approver = approver(newDevice.code());
        byte[] accept = reply(newDevice.handle(approver.offer(), NOW));
        byte[] grant = approver.handle(accept, NOW).grant();
        assertEquals(LinkFailure.EXPIRED, assertThrows(LinkException.class,
                () -> newDevice.handle(grant, NOW.plus(LinkCode.LIFETIME))).failure());
        assertEquals(LinkFailure.ALREADY_USED,
                assertThrows(LinkException.class, () -> newDevice.handle(grant, NOW)).failure());
    }

    @Test
    void replayedLinkMessagesAreRefusedAndCertifyNothingMore() throws Exception {
        LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
        LinkApprover approver = approver(newDevice.code());
        byte[] offer = approver.offer();
        byte[] accept = reply(newDevice.handle(offer, NOW));
        assertEquals(LinkFailure.ALREADY_USED,
                assertThrows(LinkException.class, () -> newDevice.handle(offer, NOW)).failure());
        byte[] grant = approver.handle(accept, NOW).grant();
        assertEquals(LinkFailure.ALREADY_USED,
                assertThrows(LinkException.class, () -> approver.handle(accept, NOW)).failure());
        assertInstanceOf(LinkRequester.Linked.class, newDevice.handle(grant, NOW));
        assertEquals(LinkFailure.ALREADY_USED,
                assertThrows(LinkException.class, () -> newDevice.handle(grant, NOW)).failure());

        // The recorded exchange replayed into a new attempt: another session, nothing happens.
        LinkRequester later = LinkRequester.create(JID, random, NOW);
        LinkApprover laterApprover = approver(later.code());
        reply(later.handle(laterApprover.offer(), NOW));
        assertEquals(LinkFailure.WRONG_SESSION,
                assertThrows(LinkException.class, () -> later.handle(grant, NOW)).failure());
        assertEquals(LinkFailure.WRONG_SESSION,
                assertThrows(LinkException.class, () -> laterApprover.handle(accept, NOW)).failure());
    }

    /**
     * The server in the middle replaces the approver's CPace share with its own (a guess at the code) and relays the
     * rest: the approver's key confirmation fails, it grants nothing, and the new device gets no grant that opens.
     */
    @Test
    void aManInTheMiddleRelayingItsOwnCpaceShareLinksNothing() throws Exception {
        LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
        LinkApprover approver = approver(newDevice.code());
        LinkMessage.Offer real = (LinkMessage.Offer) LinkMessage.parse(approver.offer());
        CPace mallory = CPace.initiator(otherCode(newDevice.code()).password(), LinkKeys.channelIdentifier(JID),
                real.sessionId(), new byte[0], random);
        byte[] substituted = LinkMessage.encode(new LinkMessage.Offer(real.sessionId(), mallory.message()));
        byte[] accept = reply(newDevice.handle(substituted, NOW));

        LinkException refused = assertThrows(LinkException.class, () -> approver.handle(accept, NOW));
        assertEquals(LinkFailure.WRONG_CODE, refused.failure());
        // Mallory's own grant, sealed under the key its guess gave, does not open at the new device.
        byte[] forged = LinkMessage.encode(new LinkMessage.Grant(real.sessionId(), new byte[60]));
        assertEquals(LinkFailure.WRONG_CODE,
                assertThrows(LinkException.class, () -> newDevice.handle(forged, NOW)).failure());
    }

    /** Mallory plays a whole approver with a guessed code (its own account key): the new device never links. */
    @Test
    void anApproverWithoutTheCodeCannotLinkTheNewDeviceToItsAccount() throws Exception {
        LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
        AccountIdentity malloryAccount = AccountIdentity.generate(random);
        LinkApprover mallory = LinkApprover.start(malloryAccount, TestDevices.device(malloryAccount, random)
                .certificate(), JID, otherCode(newDevice.code()), random);
        byte[] accept = reply(newDevice.handle(mallory.offer(), NOW));
        LinkException refused = assertThrows(LinkException.class, () -> mallory.handle(accept, NOW));
        assertEquals(LinkFailure.WRONG_CODE, refused.failure());
    }

    @Test
    void malformedOrForeignMessagesChangeNoState() throws Exception {
        LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
        LinkApprover approver = approver(newDevice.code());
        byte[] offer = approver.offer();
        byte[] truncated = Arrays.copyOf(offer, offer.length - 1);
        assertEquals(LinkFailure.MALFORMED,
                assertThrows(LinkException.class, () -> newDevice.handle(truncated, NOW)).failure());
        byte[] foreignAbort = LinkMessage.abort(new byte[LinkMessage.SESSION_ID_LENGTH], LinkFailure.WRONG_CODE);
        assertEquals(LinkFailure.WRONG_SESSION,
                assertThrows(LinkException.class, () -> approver.handle(foreignAbort, NOW)).failure());
        byte[] accept = reply(newDevice.handle(offer, NOW));
        assertInstanceOf(LinkRequester.Linked.class, newDevice.handle(approver.handle(accept, NOW).grant(), NOW));
    }

    /** Every single-bit change of an accept, made in transit, is refused by the approver: nothing is certified. */
    @Test
    void everyBitFlipOfTheAcceptGrantsNothing() throws Exception {
        LinkRequester sample = LinkRequester.create(JID, random, NOW);
        int length = reply(sample.handle(approver(sample.code()).offer(), NOW)).length;
        for (int bit = 0; bit < length * 8; bit++) {
            LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
            LinkApprover approver = approver(newDevice.code());
            byte[] accept = reply(newDevice.handle(approver.offer(), NOW));
            accept[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(LinkException.class, () -> approver.handle(accept, NOW), "bit " + bit);
        }
    }

    /** Every single-bit change of a grant, made in transit, is refused by the new device: nothing is linked. */
    @Test
    void everyBitFlipOfTheGrantLinksNothing() throws Exception {
        for (int bit = 0; ; bit++) {
            LinkRequester newDevice = LinkRequester.create(JID, random, NOW);
            LinkApprover approver = approver(newDevice.code());
            byte[] grant = approver.handle(reply(newDevice.handle(approver.offer(), NOW)), NOW).grant();
            if (bit == grant.length * 8) {
                break;
            }
            grant[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(LinkException.class, () -> newDevice.handle(grant, NOW), "bit " + bit);
        }
    }

    @Test
    void codesAreFortyBitsInCrockfordBase32AndReadAsTyped() throws Exception {
        LinkCode code = LinkCode.generate(random);
        assertTrue(code.display().matches("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"), code.display());
        assertArrayEquals("AB01".concat("1100").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                LinkCode.parse(" ab0i-LIoo ").password());
        for (String bad : new String[] {"ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFGU", ""}) {
            assertEquals(LinkFailure.NOT_A_CODE,
                    assertThrows(LinkException.class, () -> LinkCode.parse(bad)).failure(), bad);
        }
        assertFalse(code.toString().contains(code.display()));
    }

    private static byte[] reply(LinkRequester.Step step) {
        return assertInstanceOf(LinkRequester.Reply.class, step).message();
    }

    private static LinkCode otherCode(LinkCode code) throws LinkException {
        String shown = code.display();
        char last = shown.charAt(shown.length() - 1);
        return LinkCode.parse(shown.substring(0, shown.length() - 1) + (last == '7' ? '8' : '7'));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
