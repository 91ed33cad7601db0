package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.session.AccountPreKeys;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.trust.ContactTrust;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;

/**
 * Bob's next message to alice starts sessions with the devices alice linked after bob's sessions with her were made
 * (docs/protocol.md 7.9), only from bundles alice's account key signed, and says which devices it could not reach.
 */
class DeviceDiscoveryTest {
    private static final BareJid ALICE = JidCreate.bareFromOrThrowUnchecked("alice@example.org");
    private static final byte[] ENVELOPE = "envelope".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AD = "bob -> alice".getBytes(StandardCharsets.UTF_8);
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final SottoAccount bob = SottoAccount.open(new InMemoryAccountStore(), random, clock);
    private final SottoAccount phone = SottoAccount.open(new InMemoryAccountStore(), random, clock);
    private final SottoAccount laptop = SecondDevice.of(phone);
    private final SottoAccount mallory = SottoAccount.open(new InMemoryAccountStore(), random, clock);
    private final DeviceDiscovery discovery = new DeviceDiscovery(bob, new DeviceGate(bob));
    private final List<SecurityEvent> events = new ArrayList<>();

    @Test
    void theNewDeviceGetsAFirstMessageAndABundleTheServerSubstitutedGetsNothingAndIsReported() {
        pinAlice(false);
        long forged = 77;
        discovery.offer(ALICE, Map.of(laptop.device().deviceId(), Optional.of(bundleOf(laptop)),
                forged, Optional.of(bundleOf(mallory))));

        FirstMessageElements.Made made = start(message("hi"));

        assertEquals(List.of(laptop.device().deviceId()), made.devices());
        assertEquals(1, made.elements().size());
        assertTrue(session(laptop.device().deviceId()), "a session with the laptop is stored");
        assertFalse(session(forged), "never a session from a bundle alice's account key did not sign");
        assertEquals(List.of(new SecurityEvent.DeviceNotReached(ALICE, forged,
                NotReachedReason.BUNDLE_NOT_SIGNED)), events);

        assertEquals(0, start(message("again")).elements().size(), "started once; the session carries the rest");
        assertEquals(1, events.size(), "reported once");
    }

    @Test
    void aVerifiedContactsNewDeviceWaitsForApprovalAndTheUserIsTold() {
        pinAlice(true);
        discovery.offer(ALICE, Map.of(laptop.device().deviceId(), Optional.of(bundleOf(laptop))));

        FirstMessageElements.Made made = start(message("hi"));

        assertEquals(List.of(), made.devices());
        assertFalse(session(laptop.device().deviceId()));
        assertEquals(List.of(new SecurityEvent.DeviceNotReached(ALICE, laptop.device().deviceId(),
                NotReachedReason.NOT_APPROVED)), events);
    }

    @Test
    void aPresenceStartsNothingAReceiptDoesAndADeviceWithoutABundleIsReported() {
        pinAlice(false);
        discovery.offer(ALICE, Map.of(laptop.device().deviceId(), Optional.of(bundleOf(laptop)), 78L,
                Optional.empty()));
        assertEquals(0, start(StanzaBuilder.buildPresence().to(ALICE).build()).elements().size(),
                "a presence starts no session");
        assertEquals(List.of(), events);

        FirstMessageElements.Made made = start(StanzaBuilder.buildMessage("r").to(ALICE).build());
        assertEquals(List.of(laptop.device().deviceId()), made.devices());
        assertEquals(List.of(new SecurityEvent.DeviceNotReached(ALICE, 78,
                NotReachedReason.NO_USABLE_BUNDLE)), events);
    }

    private void pinAlice(boolean verified) {
        bob.store().transact(stores -> {
            ContactTrust trust = ContactTrust.onFirstContact(ALICE.toString(), phone.identity().publicKey(), clock);
            if (verified) {
                try {
                    trust = trust.markVerified(phone.identity().publicKey(), true, clock);
                } catch (im.sotto.protocol.trust.TrustException e) {
                    throw new AssertionError(e);
                }
            }
            TrustRecords.store(stores, CoreJid.of(ALICE), trust);
            return null;
        });
    }

    private FirstMessageElements.Made start(org.jivesoftware.smack.packet.Stanza inner) {
        List<SecurityEvent> notices = new ArrayList<>();
        FirstMessageElements.Made made = bob.store().transact(stores -> discovery.start(stores, ALICE, inner,
                ENVELOPE, AD, notices));
        events.addAll(notices);
        discovery.done(ALICE, made, events::add);
        return made;
    }

    private boolean session(long device) {
        return bob.store().transact(stores -> stores.sessions().load(new SessionAddress(ALICE.toString(), device))
                .isPresent());
    }

    private static Message message(String body) {
        return StanzaBuilder.buildMessage().to(ALICE).setBody(body).build();
    }

    private static byte[] bundleOf(SottoAccount device) {
        return device.store().transact(stores -> AccountPreKeys.load(stores).bundle().encode());
    }
}
