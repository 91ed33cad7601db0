package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeMessages;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;

import org.junit.jupiter.api.Test;

/** One handshake per peer address, with this side's role in it; bounded so forged addresses cannot grow it. */
class HandshakesInFlightTest {
    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    @Test
    void eachPeerHasOneHandshakeWithItsRole() {
        HandshakesInFlight<String> inFlight = new HandshakesInFlight<>();
        inFlight.responding("bob/laptop", responder(), T0);
        assertEquals(HandshakeMessages.Sender.RESPONDER, inFlight.get("bob/laptop").orElseThrow().role());
        assertTrue(inFlight.answeredSince("bob/laptop", T0));
        assertFalse(inFlight.answeredSince("bob/laptop", T0.plusSeconds(1)), "answered before the patience window");

        inFlight.initiating("bob/laptop", initiator());
        HandshakesInFlight.Party party = inFlight.get("bob/laptop").orElseThrow();
        assertInstanceOf(HandshakesInFlight.Initiating.class, party, "starting our own replaces the responder");
        assertEquals(HandshakeMessages.Sender.INITIATOR, party.role());
        assertFalse(inFlight.answeredSince("bob/laptop", T0), "an initiator answered nothing");

        inFlight.remove("bob/laptop");
        assertFalse(inFlight.contains("bob/laptop"));
        assertTrue(inFlight.get("bob/laptop").isEmpty());
    }

    @Test
    void theOldestIsDroppedBeyondTheBound() {
        HandshakesInFlight<Integer> inFlight = new HandshakesInFlight<>();
        OnlineResponder responder = responder();
        for (int i = 0; i <= HandshakesInFlight.MAX_IN_FLIGHT; i++) {
            inFlight.responding(i, responder, T0);
        }
        assertFalse(inFlight.contains(0), "the oldest made room");
        assertTrue(inFlight.contains(1) && inFlight.contains(HandshakesInFlight.MAX_IN_FLIGHT));
    }

    @Test
    void onlyAnOpeningOpensAHandshake() throws Exception {
        OnlineInitiator initiator = initiator();
        byte[] opening = initiator.start();
        assertTrue(HandshakesInFlight.opensHandshake(opening));
        OnlineResponder responder = responder();
        byte[] answer = responder.receive(opening).message().orElseThrow();
        assertFalse(HandshakesInFlight.opensHandshake(answer), "message 2 answers an opening, it opens nothing");
        assertFalse(HandshakesInFlight.opensHandshake(new byte[0]));
        byte[] knownPeer = initiator().startKnownPeer(config().device().certificate());
        assertTrue(HandshakesInFlight.opensHandshake(knownPeer), "the known-peer fast path opens one too");
    }

    private static HandshakeConfig config() {
        SecureRandom random = new SecureRandom();
        return HandshakeConfig.builder(DeviceIdentity.create(AccountIdentity.generate(random), java.util.Set.of(1),
                java.util.Set.of(CipherSuite.X25519_AESGCM_SHA256.wireId()), random, Clock.systemUTC())).build();
    }

    private static OnlineInitiator initiator() {
        return OnlineInitiator.create(config(), new SecureRandom(), Clock.systemUTC());
    }

    private static OnlineResponder responder() {
        return OnlineResponder.create(config(), new SecureRandom(), Clock.systemUTC());
    }
}
