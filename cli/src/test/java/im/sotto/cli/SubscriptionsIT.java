package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Subscriptions through the CLI against Prosody, with a plain Smack client (no Sotto) as the other side, the way a
 * profanity user would add a Sotto user: the request is shown and waits for the user's answer; accept, deny and
 * remove reach the other side; presence is seen both ways.
 */
class SubscriptionsIT {
    private static final long WAIT_SECONDS = 60;

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    /** A plain XMPP client: it answers nothing by itself and records every subscription presence it receives. */
    private static final class RawClient implements AutoCloseable {
        final XMPPTCPConnection connection;
        final Roster roster;
        final BlockingQueue<Presence> subscriptionPresences = new LinkedBlockingQueue<>();

        RawClient(String user) throws Exception {
            connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(prosody.domain()).setHost("127.0.0.1")
                    .setPort(Integer.parseInt(prosody.server().substring(prosody.server().indexOf(':') + 1)))
                    .setUsernameAndPassword(user, prosody.password(user)).setResource("raw")
                    .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled).build());
            roster = Roster.getInstanceFor(connection);
            roster.setSubscriptionMode(Roster.SubscriptionMode.manual);
            connection.addAsyncStanzaListener(stanza -> {
                Presence presence = (Presence) stanza;
                if (presence.getType() != Presence.Type.available && presence.getType() != Presence.Type.unavailable) {
                    subscriptionPresences.add(presence);
                }
            }, StanzaTypeFilter.PRESENCE);
            connection.connect().login();
        }

        /** The next subscription presence of {@code type} from {@code from}, skipping others. */
        Presence await(Presence.Type type, String from) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (System.nanoTime() < deadline) {
                Presence next = subscriptionPresences.poll(1, TimeUnit.SECONDS);
                if (next != null && next.getType() == type && next.getFrom().asBareJid().toString().equals(from)) {
                    return next;
                }
            }
            throw new AssertionError("no " + type + " from " + from + " within " + WAIT_SECONDS + " s");
        }

        void answer(Presence.Type type, String to) throws Exception {
            connection.sendStanza(StanzaBuilder.buildPresence().ofType(type).to(JidCreate.bareFrom(to)).build());
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }

    private static BareJid jid(String user) throws Exception {
        return JidCreate.bareFrom(prosody.jid(user));
    }

    @Test
    void aRequestIsShownAndWaitsAcceptGivesPresenceBothWaysRemoveEndsIt() throws Exception {
        prosody.add("alice");
        Map<String, String> alice = prosody.env("alice");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        // What an earlier version left in the clear beside the store: the next command moves it into the store.
        String dave = "dave.left.in.clear@" + prosody.domain();
        Files.writeString(prosody.temp().resolve("alice").resolve(aliceJid).resolve(RosterCache.LEGACY_FILE),
                "contact." + dave + "=both\n");
        try (RawClient bob = new RawClient("bob")) {
            CliProcess.Started listen = CliProcess.start(alice, "listen", "--json", "--timeout", "90");
            listen.awaitOutput("\"event\":\"ready\"", WAIT_SECONDS);
            assertFalse(Files.exists(prosody.temp().resolve("alice").resolve(aliceJid).resolve(
                    RosterCache.LEGACY_FILE)), "the cleartext file is gone once listen runs");
            NoCleartext.assertAbsent(prosody.temp().resolve("alice"), dave);
            bob.roster.createItemAndRequestSubscription(jid("alice"), null, null);
            listen.awaitOutput("{\"event\":\"subscription-request\",\"from\":\"" + bobJid + "\"", WAIT_SECONDS);

            // Nothing was answered for the user: bob still cannot see alice's presence.
            Thread.sleep(1_000);
            assertFalse(bob.roster.getEntry(jid("alice")).canSeeHisPresence(), "answered without the user");
            assertFalse(bob.subscriptionPresences.stream().anyMatch(p -> p.getType() == Presence.Type.unsubscribed),
                    "refused without the user (Smack's reject_all)");

            // accept works while listen holds the store: it logs in on its own, without presence and store.
            CliProcess.Run accepted = prosody.ok(alice, "contacts", "accept", bobJid);
            assertTrue(accepted.out().contains("Accepted: " + bobJid + " sees your presence; asked to see its "
                    + "presence too"), accepted.toString());
            bob.await(Presence.Type.subscribed, aliceJid);
            bob.await(Presence.Type.subscribe, aliceJid); // alice asks back
            bob.answer(Presence.Type.subscribed, aliceJid);
            listen.awaitOutput("{\"event\":\"subscription-accepted\",\"from\":\"" + bobJid + "\"", WAIT_SECONDS);
            awaitTrue(() -> bob.roster.getPresence(jid("alice")).isAvailable(), "bob sees alice's presence");
            listen.signal("TERM");
            listen.finish(WAIT_SECONDS);

            // alice sees bob's presence: live with --online, and the last one seen offline.
            CliProcess.Run online = prosody.ok(alice, "contacts", "--online");
            String bobRow = row(online.out(), bobJid);
            assertTrue(bobRow.contains("available (raw)") && bobRow.contains(" both "), online.toString());
            CliProcess.Run offline = prosody.ok(alice, "contacts");
            assertTrue(row(offline.out(), bobJid).contains("available (raw) ("), offline.toString());
            assertTrue(offline.out().contains("sotto contacts --online asks the server"), offline.out());
            NoCleartext.assertAbsent(prosody.temp().resolve("alice"), bobJid);

            CliProcess.Run removed = prosody.ok(alice, "contacts", "remove", bobJid);
            assertTrue(removed.out().contains("Removed " + bobJid + " from the roster"), removed.toString());
            bob.await(Presence.Type.unsubscribed, aliceJid);
            awaitTrue(() -> !bob.roster.getPresence(jid("alice")).isAvailable()
                    || !bob.roster.getEntry(jid("alice")).canSeeHisPresence(), "bob no longer sees alice");
            assertFalse(prosody.ok(alice, "contacts").out().contains(bobJid + " "), "bob is gone from contacts");
        }
    }

    @Test
    void aRequestMadeWhileNoSottoRunsIsDeliveredAtLoginKeptUntilAnsweredAndDenied() throws Exception {
        prosody.add("carol");
        Map<String, String> carol = prosody.env("carol");
        String carolJid = prosody.jid("carol");
        String daveJid = prosody.jid("bob"); // the raw client; the server has alice, bob and carol
        try (RawClient dave = new RawClient("bob")) {
            dave.roster.createItemAndRequestSubscription(jid("carol"), null, null);
            Thread.sleep(500);
            // carol was offline: the server keeps the request and hands it to her next login, and every one after.
            CliProcess.Run first = prosody.ok(carol, "listen", "--json", "--timeout", "3");
            assertTrue(first.out().contains("{\"event\":\"subscription-request\",\"from\":\"" + daveJid + "\""),
                    first.toString());
            CliProcess.Run shown = prosody.ok(carol, "contacts");
            assertTrue(row(shown.out(), daveJid).contains("asks to see your presence since"), shown.toString());
            CliProcess.Run again = prosody.ok(carol, "listen", "--json", "--timeout", "3");
            assertTrue(again.out().contains("\"subscription-request\""), "still unanswered: " + again);

            CliProcess.Run denied = prosody.ok(carol, "contacts", "deny", daveJid);
            assertTrue(denied.out().contains("Denied: " + daveJid), denied.toString());
            dave.await(Presence.Type.unsubscribed, carolJid);
            assertFalse(prosody.ok(carol, "contacts").out().contains("asks to see your presence"),
                    "answered: no longer pending");
            CliProcess.Run after = prosody.ok(carol, "listen", "--json", "--timeout", "3");
            assertFalse(after.out().contains("\"subscription-request\""), "the server forgot it: " + after);
        }
    }

    private static String row(String table, String contact) {
        return table.lines().filter(l -> l.startsWith(contact + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + contact + " in:\n" + table));
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
