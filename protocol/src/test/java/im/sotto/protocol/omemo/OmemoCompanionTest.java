package im.sotto.protocol.omemo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.device.OmemoSide;
import im.sotto.protocol.device.OmemoSides;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import org.junit.jupiter.api.Test;

/**
 * The routing decision for a Sotto contact with OMEMO-only devices (docs/protocol.md 10.13): which OMEMO devices get
 * an OMEMO element beside Sotto's, and that a Sotto device's own OMEMO side never does.
 */
class OmemoCompanionTest {
    private final AccountIdentity bob = AccountIdentity.generate(new DeterministicRandom("bob"));
    private final AccountIdentity alice = AccountIdentity.generate(new DeterministicRandom("alice"));
    private final AccountIdentity server = AccountIdentity.generate(new DeterministicRandom("server"));
    /** alice's only Sotto device (this one), OMEMO 0.3 id 50, OMEMO 2 id 60; no OMEMO-only device. */
    private final OmemoCompanion.Account aliceAlone = new OmemoCompanion.Account(Set.of(1L),
            Optional.of(OmemoSides.empty().with(OmemoSide.sign(alice, 1, 50, 60))), alice.publicKey(), Set.of(60L),
            Set.of(50L));

    @Test
    void aPhoneOnAnOmemoClientBesideASottoLaptopGetsTheCompanionAndTheLaptopsOmemoSideDoesNot() {
        // bob: Sotto laptop 10 (its OMEMO sides: 0.3 id 100, OMEMO 2 id 200) and a Conversations phone (0.3 id 300).
        OmemoCompanion.Account bobAccount = new OmemoCompanion.Account(Set.of(10L),
                Optional.of(OmemoSides.empty().with(OmemoSide.sign(bob, 10, 100, 200))), bob.publicKey(),
                Set.of(200L), Set.of(100L, 300L));
        assertEquals(new OmemoCompanion.WithOmemo(Set.of(), Set.of(300L), Set.of(), Set.of()),
                OmemoCompanion.decide(bobAccount, aliceAlone));
    }

    @Test
    void perDeviceOmemo2WhereListedAndOurOwnOmemoOnlyDevicesToo() {
        // bob's phone lists id 300 for both versions (one client): OMEMO 2. alice has a phone of her own (0.3 id 70).
        OmemoCompanion.Account bobAccount = new OmemoCompanion.Account(Set.of(10L),
                Optional.of(OmemoSides.empty().with(OmemoSide.sign(bob, 10, 100, 0))), bob.publicKey(),
                Set.of(300L), Set.of(100L, 300L));
        OmemoCompanion.Account aliceWithPhone = new OmemoCompanion.Account(Set.of(1L), aliceAlone.sides(),
                alice.publicKey(), Set.of(60L), Set.of(50L, 70L));
        assertEquals(new OmemoCompanion.WithOmemo(Set.of(300L), Set.of(), Set.of(), Set.of(70L)),
                OmemoCompanion.decide(bobAccount, aliceWithPhone));
    }

    @Test
    void aContactWhoseSottoDevicesAllShowTheirSidesAndNoOtherOmemoDeviceGetsSottoOnly() {
        OmemoCompanion.Account bobAccount = new OmemoCompanion.Account(Set.of(10L),
                Optional.of(OmemoSides.empty().with(OmemoSide.sign(bob, 10, 100, 200))), bob.publicKey(),
                Set.of(200L), Set.of(100L));
        assertEquals(new OmemoCompanion.SottoOnly(OmemoCompanion.Reason.NO_OMEMO_ONLY_DEVICE),
                OmemoCompanion.decide(bobAccount, aliceAlone));
    }

    @Test
    void aSottoDeviceWithoutAStatementLeavesTheContactOnSottoOnly() {
        // An older Sotto device (11) publishes no side: id 300 could be its own OMEMO side, so no copy goes to it.
        OmemoCompanion.Account older = new OmemoCompanion.Account(Set.of(10L, 11L),
                Optional.of(OmemoSides.empty().with(OmemoSide.sign(bob, 10, 100, 0))), bob.publicKey(), Set.of(),
                Set.of(100L, 300L));
        assertEquals(new OmemoCompanion.SottoOnly(OmemoCompanion.Reason.SIDES_UNKNOWN),
                OmemoCompanion.decide(older, aliceAlone));
        OmemoCompanion.Account none = new OmemoCompanion.Account(Set.of(10L), Optional.empty(), bob.publicKey(),
                Set.of(), Set.of(100L, 300L));
        assertEquals(new OmemoCompanion.SottoOnly(OmemoCompanion.Reason.SIDES_UNKNOWN),
                OmemoCompanion.decide(none, aliceAlone));
    }

    @Test
    void allClaimedOnlyWhenEveryListedOmemoIdIsASignedSide() {
        Optional<OmemoSides> sides = Optional.of(OmemoSides.empty().with(OmemoSide.sign(bob, 10, 100, 200)));
        assertEquals(true, OmemoCompanion.allClaimed(sides, bob.publicKey(), Set.of(200L), Set.of(100L)));
        assertEquals(false, OmemoCompanion.allClaimed(sides, bob.publicKey(), Set.of(200L), Set.of(100L, 300L)),
                "the phone's 0.3 id is nobody's side");
        assertEquals(false, OmemoCompanion.allClaimed(Optional.of(OmemoSides.empty().with(OmemoSide.sign(server, 10,
                100, 200))), bob.publicKey(), Set.of(200L), Set.of(100L)), "claimed by a statement the server wrote");
        assertEquals(true, OmemoCompanion.allClaimed(Optional.empty(), bob.publicKey(), Set.of(), Set.of()));
    }

    @Test
    void aSideStatementTheServerWroteIsNotBelieved() {
        // The server claims the laptop's side is some other id, so the laptop's real OMEMO side (100) would get a copy.
        OmemoCompanion.Account forged = new OmemoCompanion.Account(Set.of(10L),
                Optional.of(OmemoSides.empty().with(OmemoSide.sign(server, 10, 999, 0))), bob.publicKey(), Set.of(),
                Set.of(100L, 300L));
        assertEquals(new OmemoCompanion.SottoOnly(OmemoCompanion.Reason.SIDES_NOT_SIGNED),
                OmemoCompanion.decide(forged, aliceAlone));
    }
}
