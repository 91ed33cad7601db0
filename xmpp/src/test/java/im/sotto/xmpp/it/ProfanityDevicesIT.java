package im.sotto.xmpp.it;

import static im.sotto.xmpp.it.ProfanityIT.arrival;
import static im.sotto.xmpp.it.ProfanityIT.awaitInChatWindow;
import static im.sotto.xmpp.it.ProfanityIT.awaitListed;
import static im.sotto.xmpp.it.ProfanityIT.chat;
import static im.sotto.xmpp.it.ProfanityIT.occurrences;
import static im.sotto.xmpp.it.ProfanityIT.seedDeviceList;
import static im.sotto.xmpp.it.ProfanityIT.subscribeBothWays;
import static im.sotto.xmpp.it.ProfanityIT.unsubscribeBothWays;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.omemo.OmemoDeviceInfo;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.BareJid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sotto and a profanity user (carol) whose OMEMO devices change (issue #21): two profanity devices on one account,
 * and a profanity set up anew (a new OMEMO identity: new key, new device id, same JID) after the Sotto user verified
 * the first one. Same servers and accounts as {@link ProfanityIT} (the servers start once per test JVM); carol's
 * device list keeps the devices of earlier tests, as a real account's does.
 */
@ExtendWith(XmppServersExtension.class)
class ProfanityDevicesIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration DELIVERY = Duration.ofSeconds(45);
    private static final Pattern DEVICE_ID = Pattern.compile("Your Device ID is (\\d+)");
    /** What profanity prints instead of sending when it has no session with any of the recipient's devices. */
    private static final String NOT_SENT = "cannot be decrypted for any recipient";

    /**
     * Two profanity devices on carol's account, both trusted blindly (nothing verified): what Sotto sends once is
     * shown on both, and what each sends is shown by Sotto once, with the device it came from.
     */
    @Test
    void profanityWithTwoDevicesReadsOnBothAndBothAreRead(XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String run = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty();
        try {
            BareJid carolJid = meet(server, alice, run);
            BareJid aliceJid = alice.connection.getUser().asBareJid();
            try (ProfanityPane desktop = profanity(server, carolJid, "desktop-" + run);
                    ProfanityPane laptop = nextProfanity(server, carolJid, "laptop-" + run, alice, desktop)) {
                int desktopDevice = deviceId(desktop);
                int laptopDevice = deviceId(laptop);
                assertNotEquals(desktopDevice, laptopDevice);

                String toBoth = "one message for both devices " + run;
                alice.manager.send(chat(carolJid, toBoth)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                awaitInChatWindow(desktop, toBoth);
                awaitInChatWindow(laptop, toBoth);
                assertEquals(1, occurrences(desktop.screen(), toBoth), "shown once on the desktop");
                assertEquals(1, occurrences(laptop.screen(), toBoth), "shown once on the laptop");

                String fromDesktop = "from carol's desktop " + run;
                answerInOmemo(desktop, aliceJid, fromDesktop);
                DecryptedStanza first = arrival(alice, desktop);
                String fromLaptop = "from carol's laptop " + run;
                answerInOmemo(laptop, aliceJid, fromLaptop);
                DecryptedStanza second = arrival(alice, laptop);
                assertEquals(fromDesktop, ((Message) first.stanza()).getBody());
                assertEquals(desktopDevice, first.deviceId());
                assertEquals(fromLaptop, ((Message) second.stanza()).getBody());
                assertEquals(laptopDevice, second.deviceId());
                for (DecryptedStanza shown : new DecryptedStanza[] {first, second}) {
                    assertEquals(SessionOrigin.OMEMO, shown.origin());
                    assertEquals(carolJid, shown.peer());
                    assertTrue(shown.deviceApproved(), "blind trust: both devices are read as they come");
                }
                assertNull(alice.inbox.poll(2, TimeUnit.SECONDS), "each message exactly once: " + alice.events);
                assertTrue(alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.OmemoUndecryptable
                        || e instanceof SecurityEvent.OmemoDevicesNotApproved), alice.events.toString());
            }
        } finally {
            alice.disconnect();
        }
    }

    /**
     * A key change: alice verified carol's profanity device; carol then sets profanity up anew (a new home: a new
     * identity key under a new device id, same account), as after a reinstall, or as a server adding a device of its
     * own would. Sotto does not take the new key silently: every message alice sends while it awaits her approval
     * misses it and says so ({@code OmemoDevicesNotApproved}, with its fingerprint), and what it sends is shown marked
     * "device not approved". Once alice approves it, her next message reaches it.
     */
    @Test
    void aVerifiedContactsNewProfanityKeyWaitsForApproval(XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String run = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty();
        try {
            BareJid carolJid = meet(server, alice, run);
            BareJid aliceJid = alice.connection.getUser().asBareJid();
            int oldDevice;
            try (ProfanityPane before = profanity(server, carolJid, "old-" + run)) {
                oldDevice = deviceId(before);
                awaitListed(alice, carolJid, oldDevice);
                String hello = "before the key change " + run;
                alice.manager.send(chat(carolJid, hello)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                awaitInChatWindow(before, hello);
                String answer = "answer before the key change " + run;
                answerInOmemo(before, aliceJid, answer);
                DecryptedStanza atAlice = arrival(alice, before);
                assertEquals(answer, ((Message) atAlice.stanza()).getBody());
                assertEquals(oldDevice, atAlice.deviceId());
                assertTrue(alice.manager.omemo().setTrust(carolJid, oldDevice, OmemoTrustLevel.VERIFIED),
                        "alice compared the fingerprint and verified carol's device");
            }

            try (ProfanityPane after = profanity(server, carolJid, "new-" + run)) {
                int newDevice = deviceId(after);
                assertNotEquals(oldDevice, newDevice, "a new identity comes with a new device id");
                awaitListed(alice, carolJid, newDevice);

                String missed = "not for the unapproved key " + run;
                sendAllowingRefusal(alice, chat(carolJid, missed));
                SecurityEvent.OmemoDevicesNotApproved notice = alice.awaitEvent(
                        SecurityEvent.OmemoDevicesNotApproved.class, e -> e.device(newDevice).isPresent());
                assertEquals(carolJid, notice.peer());
                assertNotNull(notice.stanzaId(), "names the message that missed the device");
                OmemoDeviceInfo met = alice.manager.omemo().devices(carolJid).stream()
                        .filter(d -> d.deviceId() == newDevice).findFirst().orElseThrow();
                assertEquals(OmemoTrustLevel.AWAITING_APPROVAL, met.level(), "pinned, not trusted");
                assertEquals(met.identityKey().fingerprint(), notice.device(newDevice).orElseThrow().fingerprint(),
                        "the fingerprint to compare");

                String fromNewKey = "from the new key " + run;
                answerInOmemo(after, aliceJid, fromNewKey);
                DecryptedStanza shown = arrival(alice, after);
                assertEquals(fromNewKey, ((Message) shown.stanza()).getBody());
                assertEquals(newDevice, shown.deviceId());
                assertEquals(SessionOrigin.OMEMO, shown.origin());
                assertFalse(shown.deviceApproved(), "shown, marked as from a device alice has not approved");

                assertTrue(alice.manager.omemo().setTrust(carolJid, newDevice, OmemoTrustLevel.VERIFIED));
                long noticesBefore = notices(alice, newDevice);
                String approved = "after the approval " + run;
                alice.manager.send(chat(carolJid, approved)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                after.await(DELIVERY, "the message sent after the approval", s -> s.contains(approved));
                assertEquals(1, occurrences(after.screen(), approved), "shown once");
                assertFalse(after.screen().contains(missed), "the message sent before the approval never reached "
                        + "the new key");
                assertEquals(noticesBefore, notices(alice, newDevice), "no notice once approved");
            }
        } finally {
            alice.disconnect();
        }
    }

    /**
     * A contact with a Sotto device and a profanity device on one account (docs/protocol.md 10.13), as a Sotto user
     * who also runs profanity on another computer: bob's Sotto laptop and bob's profanity. Before alice verified the
     * profanity device, her message reaches the laptop only and says so once for that send, naming the device; once
     * verified, one stanza reaches both: the laptop reads Sotto's element (once, not as OMEMO), profanity its OMEMO
     * 0.3 element. What profanity answers is shown by alice as bob's, from that OMEMO device.
     */
    @Test
    void aContactWithASottoDeviceAndAProfanityDeviceReadsEachMessageOnBoth(XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String run = UUID.randomUUID().toString().substring(0, 8);
        BareJid bob = TwomemoPeerIT.withoutSottoDevices(server, "bob", run);
        SottoParty alice = new SottoParty();
        SottoParty bobLaptop = new SottoParty();
        try {
            // The OMEMO-only device appears after alice's first messages.
            alice.connectCheckingOmemoDevicesAtEverySend(server.connection("alice", "a-" + run));
            alice.manager.omemo().enable();
            alice.manager.omemo().publishOrThrow();
            BareJid aliceJid = alice.connection.getUser().asBareJid();
            bobLaptop.connect(server.connection("bob", "laptop-" + run));
            bobLaptop.manager.omemo().enable();
            // profanity's bundle is open to contacts only; the subscription is removed again below, since later
            // tests in this JVM rely on alice and bob being strangers (an offline first message, Prosody's
            // 'forbidden' for a node a stranger asks for).
            seedDeviceList(bobLaptop.connection);
            subscribeBothWays(alice.connection, bobLaptop.connection);
            alice.awaitOmemoSideOf(bobLaptop);
            alice.manager.send(chat(bob, "hello laptop " + run)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals("hello laptop " + run, ((Message) bobLaptop.next().stanza()).getBody());
            bobLaptop.manager.send(chat(aliceJid, "hi " + run)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals("hi " + run, ((Message) alice.next().stanza()).getBody());

            try (ProfanityPane phone = profanity(server, bob, "bob", "phone-" + run)) {
                int phoneId = deviceId(phone);
                awaitListed(alice, bob, phoneId);
                String unverified = "before the phone is verified " + run;
                alice.manager.send(chat(bob, unverified)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                SecurityEvent.OmemoDevicesNotApproved notice = alice.awaitEvent(
                        SecurityEvent.OmemoDevicesNotApproved.class, e -> e.device(phoneId).isPresent());
                assertEquals("OMEMO", notice.version());
                assertEquals(bob, notice.peer());
                assertEquals(unverified, ((Message) bobLaptop.next().stanza()).getBody());
                assertTrue(alice.manager.omemo().setTrust(bob, phoneId, OmemoTrustLevel.VERIFIED));

                String both = "to the laptop and the phone " + run;
                alice.manager.send(chat(bob, both)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                awaitInChatWindow(phone, both);
                DecryptedStanza atLaptop = bobLaptop.next();
                assertEquals(both, ((Message) atLaptop.stanza()).getBody());
                assertTrue(atLaptop.origin() != SessionOrigin.OMEMO && atLaptop.origin() != SessionOrigin.OMEMO_2,
                        "read through Sotto, not OMEMO: " + atLaptop.origin());
                assertNull(bobLaptop.inbox.poll(2, TimeUnit.SECONDS), "once on the laptop");
                assertFalse(phone.screen().contains(unverified), "the message sent before the verification never "
                        + "reached the phone");
                assertEquals(1, occurrences(phone.screen(), both), "shown once on the phone");

                String answer = "from bob's profanity " + run;
                answerInOmemo(phone, aliceJid, answer);
                DecryptedStanza atAlice = arrival(alice, phone);
                assertEquals(answer, ((Message) atAlice.stanza()).getBody());
                assertEquals(SessionOrigin.OMEMO, atAlice.origin());
                assertEquals(bob, atAlice.peer());
                assertEquals(phoneId, atAlice.deviceId());
                assertTrue(alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.OmemoUndecryptable),
                        alice.events.toString());
            }
        } finally {
            unsubscribeBothWays(alice.connection, bobLaptop.connection);
            alice.disconnect();
            bobLaptop.disconnect();
        }
    }

    /** alice (Sotto, OMEMO on) and carol subscribed to each other, carol's device list node there; carol's JID. */
    private static BareJid meet(XmppServers.Server server, SottoParty alice, String run) throws Exception {
        XMPPTCPConnection carolSeed = Pair.login(server.connection("carol", "seed-" + run));
        try {
            alice.connect(server.connection("alice", "a-" + run));
            alice.manager.omemo().enable();
            alice.manager.omemo().publishOrThrow();
            seedDeviceList(carolSeed);
            subscribeBothWays(alice.connection, carolSeed);
            return carolSeed.getUser().asBareJid();
        } finally {
            carolSeed.disconnect();
        }
    }

    /** A profanity in a new home (a new OMEMO identity) on carol's account, logged in. */
    private static ProfanityPane profanity(XmppServers.Server server, BareJid carol, String resource)
            throws Exception {
        return profanity(server, carol, "carol", resource);
    }

    /** A profanity in a new home (a new OMEMO identity) on {@code user}'s account ({@code account}), logged in. */
    private static ProfanityPane profanity(XmppServers.Server server, BareJid account, String user, String resource)
            throws Exception {
        ProfanityPane pane = new ProfanityPane(Files.createTempDirectory("sotto-profanity-"), account.toString(),
                server.password(user), server.host, server.port, resource);
        pane.await(START, "the login", s -> s.contains("logged in successfully"));
        return pane;
    }

    /**
     * The second device, started once the first one is listed (profanity adds itself to the list it read at login:
     * two devices starting at once could each publish a list without the other).
     */
    private static ProfanityPane nextProfanity(XmppServers.Server server, BareJid carol, String resource,
            SottoParty alice, ProfanityPane first) throws Exception {
        awaitListed(alice, carol, deviceId(first));
        ProfanityPane second = profanity(server, carol, resource);
        awaitListed(alice, carol, deviceId(second));
        awaitListed(alice, carol, deviceId(first));
        return second;
    }

    /** profanity's OMEMO device id, made on first use ({@code /omemo gen}, as a user does once). */
    private static int deviceId(ProfanityPane pane) throws Exception {
        if (!DEVICE_ID.matcher(pane.screen()).find()) {
            pane.type("/omemo gen");
        }
        Matcher id = DEVICE_ID.matcher(pane.await(START, "its OMEMO device id", s -> DEVICE_ID.matcher(s).find()));
        assertTrue(id.find());
        return Integer.parseInt(id.group(1));
    }

    /**
     * Opens the chat with alice, starts OMEMO in it (checked on screen before typing) and writes {@code text}. A
     * profanity that has no session with alice yet (it could not read what she sent) fetches her bundle when OMEMO
     * starts and refuses to send until it has it ("cannot be decrypted for any recipient"; nothing is sent): the
     * text is typed again then, as a user would.
     */
    private static void answerInOmemo(ProfanityPane pane, BareJid alice, String text) throws Exception {
        pane.type("/msg " + alice);
        pane.type("/omemo start");
        pane.await(DELIVERY, "the window in OMEMO", s -> s.lines().anyMatch(l -> l.contains(alice.toString())
                && l.contains("[OMEMO]")));
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (true) {
            int refusals = occurrences(pane.screen(), NOT_SENT);
            pane.type(text);
            Thread.sleep(1_500);
            if (occurrences(pane.screen(), NOT_SENT) == refusals) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("profanity never had a session with " + alice + ":\n" + pane.screen()
                        + "\n--- profanity's log:\n" + pane.log());
            }
            Thread.sleep(2_000);
        }
    }

    /**
     * Sends; a refusal is acceptable only as the "no device may be encrypted to" kind (when carol's new profanity
     * dropped the old device from her list, only the unapproved one is left), never as plaintext.
     */
    private static void sendAllowingRefusal(SottoParty alice, Message message) throws Exception {
        try {
            alice.manager.send(message).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(e.getCause() instanceof im.sotto.xmpp.SottoSendException, e.toString());
        }
    }

    private static long notices(SottoParty alice, int device) {
        synchronized (alice.events) {
            return alice.events.stream().filter(e -> e instanceof SecurityEvent.OmemoDevicesNotApproved n
                    && n.device(device).isPresent()).count();
        }
    }
}
