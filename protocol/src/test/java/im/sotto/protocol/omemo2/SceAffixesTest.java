package im.sotto.protocol.omemo2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoNegotiation;
import im.sotto.protocol.omemo.OmemoNegotiation.Choice;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SCE affix rules of OMEMO 2, the version negotiation, and the OMEMO 2 trust record. */
class SceAffixesTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final String ALICE = "alice@example.org";
    private static final String BOB = "bob@example.org";

    private static SceAffixes affixes(String to, String from, Instant time, boolean padded) {
        return new SceAffixes(Optional.ofNullable(to), Optional.ofNullable(from), Optional.ofNullable(time), padded);
    }

    @Test
    void anEnvelopeNamingTheStanzasAccountsIsAccepted() {
        assertEquals(Optional.empty(), affixes(BOB, ALICE, NOW, true).check(BOB, ALICE, NOW));
        assertEquals(Optional.empty(), affixes(BOB, ALICE, null, true).check(BOB, ALICE, NOW), "time is optional");
    }

    /** A payload alice encrypted for carol, re-addressed by a server to bob: the envelope still names carol. */
    @Test
    void aPayloadMovedToAnotherRecipientIsRefused() {
        assertEquals(Optional.of(SceAffixes.Refusal.WRONG_RECIPIENT),
                affixes("carol@example.org", ALICE, NOW, true).check(BOB, ALICE, NOW));
        assertEquals(Optional.of(SceAffixes.Refusal.WRONG_RECIPIENT), affixes(null, ALICE, NOW, true)
                .check(BOB, ALICE, NOW));
    }

    /** A stanza claiming to come from alice whose authenticated envelope says mallory wrote it. */
    @Test
    void aPayloadPresentedAsFromAnotherSenderIsRefused() {
        assertEquals(Optional.of(SceAffixes.Refusal.WRONG_SENDER),
                affixes(BOB, "mallory@example.org", NOW, true).check(BOB, ALICE, NOW));
        assertEquals(Optional.of(SceAffixes.Refusal.WRONG_SENDER), affixes(BOB, null, NOW, true)
                .check(BOB, ALICE, NOW));
    }

    @Test
    void missingPaddingAndFarFutureTimesAreRefused() {
        assertEquals(Optional.of(SceAffixes.Refusal.NO_PADDING), affixes(BOB, ALICE, NOW, false)
                .check(BOB, ALICE, NOW));
        Instant ahead = NOW.plus(SceAffixes.MAX_CLOCK_AHEAD).plus(Duration.ofSeconds(1));
        assertEquals(Optional.of(SceAffixes.Refusal.TIME_IN_FUTURE), affixes(BOB, ALICE, ahead, true)
                .check(BOB, ALICE, NOW));
        assertEquals(Optional.empty(), affixes(BOB, ALICE, NOW.minus(Duration.ofDays(30)), true)
                .check(BOB, ALICE, NOW), "an old message (offline storage, archive) is fine");
    }

    @Test
    void sottoThenOmemo2ThenOmemo03NeverPlaintext() {
        assertEquals(Choice.SOTTO, OmemoNegotiation.choose(false, 1, 1, 1));
        assertEquals(Choice.OMEMO_2, OmemoNegotiation.choose(false, 0, 1, 1));
        assertEquals(Choice.OMEMO_2, OmemoNegotiation.choose(false, 0, 1, 0));
        assertEquals(Choice.OMEMO, OmemoNegotiation.choose(false, 0, 0, 2));
        assertEquals(Choice.NONE, OmemoNegotiation.choose(false, 0, 0, 0));
        // Stickiness holds for OMEMO 2 as for 0.3: a Sotto contact showing only OMEMO 2 is not moved silently.
        assertEquals(Choice.REFUSED_DOWNGRADE, OmemoNegotiation.choose(true, 0, 1, 0));
        assertEquals(Choice.SOTTO, OmemoNegotiation.choose(true, 0, 0, 0));
    }

    @Test
    void trustRecordsRoundTripAndOmemo03RecordsAreNotReadAsOmemo2() throws OmemoException {
        Omemo2TestDevice device = new Omemo2TestDevice("carol@example.org");
        Omemo2DeviceTrust trust = new Omemo2DeviceTrust(device.keys.identityKey(), OmemoTrustLevel.VERIFIED);
        assertEquals(trust, Omemo2DeviceTrust.decode(trust.encode()));
        byte[] version1 = trust.encode();
        version1[0] = 1;
        org.junit.jupiter.api.Assertions.assertThrows(OmemoException.class, () -> Omemo2DeviceTrust.decode(version1));
        Omemo2DeviceTrust first = Omemo2DeviceTrust.firstSight(device.keys.identityKey(), java.util.List.of(trust));
        assertEquals(OmemoTrustLevel.AWAITING_APPROVAL, first.level(), "a verified contact's new device waits");
    }
}
