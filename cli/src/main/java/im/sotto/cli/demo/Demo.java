package im.sotto.cli.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import im.sotto.cli.CliException;
import im.sotto.cli.Connector;
import im.sotto.cli.ExitCode;
import im.sotto.cli.ServerAddress;
import im.sotto.harness.RecordingRelay;
import im.sotto.harness.Secrets;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;

/**
 * The demo: alice and bob, each with a real store, talk through a recording relay to a server; every step shows
 * what the receiver read next to what the server saw, and checks what Sotto promises.
 */
public final class Demo {
    /** Where the demo runs: a private Prosody, or an existing server with two accounts. */
    public record Setup(Optional<ServerAddress> server, Optional<EntityBareJid> alice, Optional<EntityBareJid> bob,
            char[] alicePassword, char[] bobPassword, Optional<Path> serverCert, boolean insecureLoopback) {
    }

    private static final String NS = SottoEncrypted.NAMESPACE;

    private final Setup setup;
    private final PrintStream progress;
    private final DemoReport report = new DemoReport();
    private PrivateProsody prosody;
    private RecordingRelay wire;
    private DemoParty alice;
    private DemoParty bob;
    private Secrets secrets;
    private Connector.Transport transport;

    public Demo(Setup setup, PrintStream progress) {
        this.setup = setup;
        this.progress = progress;
    }

    /** Runs every step; stops everything it started, whatever happens. */
    public Result run() {
        long started = System.nanoTime();
        Path work = null;
        Thread cleanup = new Thread(this::stopAll, "sotto-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            work = Files.createTempDirectory("sotto-demo-stores-");
            prepare(work);
            steps();
        } catch (CliException e) {
            if (report.steps.isEmpty()) {
                throw e;
            }
            report.error = e.getMessage();
        } catch (Exception e) {
            report.error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs or ran.
            }
            if (work != null) {
                PrivateProsody.deleteTree(work);
            }
        }
        report.totalMillis = (System.nanoTime() - started) / 1_000_000;
        return new Result(report);
    }

    /** The outcome: text for people, JSON for machines. */
    public static final class Result {
        private final DemoReport report;

        Result(DemoReport report) {
            this.report = report;
        }

        public boolean passed() {
            return report.passed();
        }

        public String text() {
            return report.toText();
        }

        public String json() {
            return report.toJson();
        }
    }

    private void prepare(Path work) throws Exception {
        EntityBareJid aliceJid;
        EntityBareJid bobJid;
        char[] alicePassword;
        char[] bobPassword;
        ServerAddress server;
        if (setup.server().isEmpty()) {
            progress.println("Starting a private Prosody on 127.0.0.1 (throwaway config and users) ...");
            prosody = PrivateProsody.start(progress);
            server = new ServerAddress(prosody.host, prosody.port);
            aliceJid = org.jxmpp.jid.impl.JidCreate.entityBareFrom("alice@" + prosody.domain);
            bobJid = org.jxmpp.jid.impl.JidCreate.entityBareFrom("bob@" + prosody.domain);
            alicePassword = prosody.password("alice").toCharArray();
            bobPassword = prosody.password("bob").toCharArray();
            report.privateServer = true;
        } else {
            server = setup.server().get();
            aliceJid = setup.alice().orElseThrow();
            bobJid = setup.bob().orElseThrow();
            alicePassword = setup.alicePassword();
            bobPassword = setup.bobPassword();
        }
        report.server = server.toString();
        boolean plaintext = report.privateServer || setup.insecureLoopback();
        report.tls = !plaintext;
        wire = new RecordingRelay(server.host(), server.port());
        // The clients reach the server through the recorder on loopback; on a private server without TLS.
        transport = new Connector.Transport(Optional.of(new ServerAddress("127.0.0.1", wire.port())),
                setup.serverCert(), plaintext);
        progress.println("Creating alice's and bob's stores and keys, logging in, publishing bundles ...");
        alice = new DemoParty("alice", aliceJid, alicePassword, work);
        bob = new DemoParty("bob", bobJid, bobPassword, work);
        alice.connect("demo-alice", transport);
        bob.connect("demo-bob", transport);
        // Two people who talk have each other in their rosters: Sotto reveals a device only to contacts by default.
        alice.addContact(bob.jid);
        bob.addContact(alice.jid);
        bob.manager.setIqRequestHandler(request -> Version.createResultFor((IQ) request.stanza(),
                new Version("bob's Sotto", "0.1", "demo")));
        alice.manager.setIqRequestHandler(request -> Version.createResultFor((IQ) request.stanza(),
                new Version("alice's Sotto", "0.1", "demo")));
        secrets = new Secrets()
                .bytes("alice's account key", alice.account.identity().publicKey().bytes())
                .bytes("bob's account key", bob.account.identity().publicKey().bytes())
                .bytes("alice's device key", alice.account.device().deviceKey().publicKey())
                .bytes("bob's device key", bob.account.device().deviceKey().publicKey())
                .bytes("alice's device certificate", alice.account.device().certificate().encoded())
                .bytes("bob's device certificate", bob.account.device().certificate().encoded());
    }

    private void steps() throws Exception {
        handshakeAndFirstMessage();
        message(bob, alice, "Hi Alice! Nobody but you can read this.");
        presence(alice, bob, "in a meeting until 3");
        presence(bob, alice, "working from the library");
        iq(alice, bob);
        iq(bob, alice);
        offline();
        replay();
    }

    private record Cut(RecordingRelay.Mark mark, int aliceSotto, int bobSotto, long started) {
    }

    private Cut begin() {
        return new Cut(wire.mark(), alice.sotto.get(), bob.sotto.get(), System.nanoTime());
    }

    /** Ends a step: time, Sotto stanzas sent by both clients (counted once Smack's listeners settled), bytes. */
    private void end(DemoReport.Step step, Cut cut, String... plaintexts) throws InterruptedException {
        step.millis = (System.nanoTime() - cut.started) / 1_000_000;
        int last = -1;
        for (int i = 0; i < 20; i++) {
            int now = alice.sotto.get() + bob.sotto.get();
            if (now == last) {
                break;
            }
            last = now;
            Thread.sleep(100);
        }
        step.stanzas = alice.sotto.get() - cut.aliceSotto + bob.sotto.get() - cut.bobSotto;
        String toServer = wire.toServerSince(cut.mark);
        String fromServer = wire.fromServerSince(cut.mark);
        step.bytesToServer = toServer.length();
        step.bytesFromServer = fromServer.length();
        if (!report.tls) {
            List<String> stanzas = WireText.stanzas(toServer, "<encrypted xmlns='" + NS + "'");
            for (int i = 0; i < stanzas.size() && step.serverSaw.size() < 12; i++) {
                step.serverSaw.addAll(WireText.lines(WireText.abbreviate(stanzas.get(i)), 60));
            }
            if (stanzas.isEmpty()) {
                step.serverSaw.add("(no Sotto stanza)");
            }
        } else {
            step.serverSaw.add(String.format("%,d bytes of TLS records to the server", toServer.length()));
        }
        List<String> found = exposureWith(plaintexts).foundIn(toServer + fromServer);
        step.check("no plaintext or key on the wire", found.isEmpty(), found.isEmpty() ? "" : "found: " + found);
        report.steps.add(step);
    }

    private Secrets exposureWith(String... plaintexts) {
        Secrets exposure = secrets;
        for (String text : plaintexts) {
            exposure = exposure.text("the plaintext \"" + text + "\"", text);
        }
        return exposure;
    }

    private DemoReport.Step step(String title, DemoParty reader) {
        int number = report.steps.size() + 1;
        progress.printf("Step %d: %s ...%n", number, title);
        return new DemoReport.Step(number, title, reader.name);
    }

    private static Message chat(Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    private static void describe(DemoReport.Step step, DecryptedStanza stanza) {
        step.read.add("from " + stanza.stanza().getFrom());
        step.read.add("trust: " + stanza.trust() + ", session: " + stanza.origin());
    }

    private void handshakeAndFirstMessage() throws Exception {
        DemoReport.Step step = step("online handshake, then a message alice → bob", bob);
        String text = "Hello Bob, this is Alice. Meet me at the old mill at noon.";
        Cut cut = begin();
        alice.manager.send(chat(bob.connection.getUser(), text)).get(DemoParty.WAIT_MS, TimeUnit.MILLISECONDS);
        DecryptedStanza read = bob.next();
        String body = read.stanza() instanceof Message m ? m.getBody() : null;
        SecurityEvent.SessionEstablished aliceSide = alice.awaitEvent(SecurityEvent.SessionEstablished.class,
                e -> e.sas().isPresent());
        SecurityEvent.SessionEstablished bobSide = bob.awaitEvent(SecurityEvent.SessionEstablished.class,
                e -> e.sas().isPresent());
        report.aliceSas = aliceSide == null ? null : aliceSide.sas().get();
        report.bobSas = bobSide == null ? read.sas().orElse(null) : bobSide.sas().get();
        step.read.add("\"" + body + "\"");
        describe(step, read);
        step.read.add("SAS on alice's screen: " + report.aliceSas);
        step.read.add("SAS on bob's screen:   " + report.bobSas);
        end(step, cut, text);
        step.check("bob read the message", text.equals(body), "bob read " + body);
        step.check("both sides show the same SAS", report.aliceSas != null && report.aliceSas.equals(report.bobSas),
                "alice " + report.aliceSas + ", bob " + report.bobSas);
        step.check("5 stanzas: handshake in 3, bob's confirmation, then the message", step.stanzas == 5,
                step.stanzas + " stanzas");
    }

    private void message(DemoParty from, DemoParty to, String text) throws Exception {
        DemoReport.Step step = step("a message " + from.name + " → " + to.name, to);
        Cut cut = begin();
        from.manager.send(chat(to.connection.getUser(), text)).get(DemoParty.WAIT_MS, TimeUnit.MILLISECONDS);
        DecryptedStanza read = to.next();
        String body = read.stanza() instanceof Message m ? m.getBody() : null;
        step.read.add("\"" + body + "\"");
        describe(step, read);
        end(step, cut, text);
        step.check(to.name + " read the message", text.equals(body), to.name + " read " + body);
        step.check("1 stanza in an existing session", step.stanzas == 1, step.stanzas + " stanzas");
    }

    private void presence(DemoParty from, DemoParty to, String status) throws Exception {
        DemoReport.Step step = step("a directed presence " + from.name + " → " + to.name, to);
        Cut cut = begin();
        Presence presence = StanzaBuilder.buildPresence().to(to.connection.getUser()).setStatus(status)
                .setMode(Presence.Mode.away).build();
        from.manager.send(presence).get(DemoParty.WAIT_MS, TimeUnit.MILLISECONDS);
        DecryptedStanza read = to.next();
        Presence opened = read.stanza() instanceof Presence p ? p : null;
        step.read.add("presence: " + (opened == null ? "none" : opened.getMode() + ", \"" + opened.getStatus() + "\""));
        describe(step, read);
        end(step, cut, status);
        step.check(to.name + " read the presence", opened != null && status.equals(opened.getStatus())
                && opened.getMode() == Presence.Mode.away, String.valueOf(opened));
        step.check("1 stanza", step.stanzas == 1, step.stanzas + " stanzas");
    }

    private void iq(DemoParty from, DemoParty to) throws Exception {
        DemoReport.Step step = step("an iq round trip " + from.name + " → " + to.name + " → " + from.name, from);
        Cut cut = begin();
        Version request = new Version();
        request.setTo(to.connection.getUser());
        request.setType(IQ.Type.get);
        IQ answer = from.manager.sendIq(request).get(DemoParty.WAIT_MS, TimeUnit.MILLISECONDS);
        Version version = answer instanceof Version v ? v : null;
        String expected = to.name + "'s Sotto";
        step.read.add(to.name + " answered the encrypted request:");
        step.read.add("iq get jabber:iq:version");
        step.read.add(from.name + " read the answer:");
        step.read.add("iq " + answer.getType() + ": " + (version == null ? answer.toXML() : version.getName() + " "
                + version.getVersion() + " (" + version.getOs() + ")"));
        end(step, cut, expected);
        step.check(from.name + " read " + to.name + "'s answer", version != null && answer.getType() == IQ.Type.result
                && expected.equals(version.getName()), String.valueOf(answer.toXML()));
        step.check("2 stanzas: request and answer", step.stanzas == 2, step.stanzas + " stanzas");
    }

    private void offline() throws Exception {
        DemoReport.Step step = step("bob offline; alice writes; bob logs in later and reads it", bob);
        String text = "Bob, read this when you are back: the blue folder is in the safe.";
        bob.disconnect();
        Thread.sleep(300);
        Cut cut = begin();
        EntityBareJid bobAccount = bob.jid;
        alice.manager.send(chat(bobAccount, text)).get(DemoParty.WAIT_MS, TimeUnit.MILLISECONDS);
        String stored = "";
        if (prosody != null) {
            stored = prosody.awaitOfflineStorage(NS);
            step.storedBytes = stored.length();
            List<String> found = exposureWith(text).foundIn(stored);
            step.check("the server stored it while bob was offline", stored.contains(NS), "nothing stored");
            step.check("the stored copy holds no plaintext or key", found.isEmpty(), "found: " + found);
        }
        bob.connect("demo-bob-again", transport);
        DecryptedStanza read = bob.next();
        String body = read.stanza() instanceof Message m ? m.getBody() : null;
        step.read.add("after login: \"" + body + "\"");
        describe(step, read);
        end(step, cut, text);
        if (prosody != null) {
            step.serverLabel = "the server saw, and kept in offline storage";
            step.serverSaw.add("── Prosody's offline storage for bob (" + String.format("%,d", stored.length())
                    + " bytes):");
            for (String line : stored.split("\n")) {
                String item = line.strip();
                if (item.isEmpty() || item.matches("[{}();,item]*") || item.startsWith("[\"attr\"]")) {
                    continue;
                }
                step.serverSaw.addAll(WireText.lines(WireText.abbreviate(item), 60));
                if (step.serverSaw.size() > 26) {
                    break;
                }
            }
        } else {
            step.serverLabel = "the server saw (its offline storage is not visible from here)";
        }
        step.check("bob read it after login", text.equals(body), "bob read " + body);
    }

    private void replay() throws Exception {
        DemoReport.Step step = step("replay: the recorded stanza sent to bob again", bob);
        Stanza recorded = alice.lastSent.get();
        Cut cut = begin();
        int delivered = bob.inbox.size();
        alice.connection.sendStanza(recorded);
        SecurityEvent.UndecryptableStanza rejected = bob.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                e -> e.reason() == UndecryptableReason.DUPLICATE);
        Thread.sleep(500);
        boolean notDelivered = bob.inbox.size() == delivered;
        step.read.add(rejected == null ? "(no event)" : "nothing; an event: " + rejected.reason());
        if (rejected != null) {
            step.read.add("from " + rejected.from());
            step.read.add(WireText.cut(rejected.detail(), 38));
        }
        end(step, cut);
        step.check("rejected as a DUPLICATE", rejected != null, "no duplicate event; bob's events: " + bob.events);
        step.check("not delivered twice", notDelivered, "bob got it again");
    }

    private synchronized void stopAll() {
        List<AutoCloseable> closing = new ArrayList<>();
        if (alice != null) {
            closing.add(alice);
        }
        if (bob != null) {
            closing.add(bob);
        }
        if (wire != null) {
            closing.add(wire);
        }
        if (prosody != null) {
            closing.add(prosody);
        }
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception e) {
                // Stop the rest regardless.
            }
        }
        alice = null;
        bob = null;
        prosody = null;
        wire = null;
    }
}
