package im.sotto.omemopeer;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jivesoftware.smackx.omemo.OmemoManager;
import org.jivesoftware.smackx.omemo.OmemoMessage;
import org.jivesoftware.smackx.omemo.OmemoService;
import org.jivesoftware.smackx.omemo.element.OmemoElement;
import org.jivesoftware.smackx.omemo.element.OmemoKeyElement;
import org.jivesoftware.smackx.omemo.internal.OmemoDevice;
import org.jivesoftware.smackx.omemo.listener.OmemoMessageListener;
import org.jivesoftware.smackx.omemo.signal.SignalFileBasedOmemoStore;
import org.jivesoftware.smackx.omemo.signal.SignalOmemoService;
import org.jivesoftware.smackx.omemo.trust.OmemoFingerprint;
import org.jivesoftware.smackx.omemo.trust.OmemoTrustCallback;
import org.jivesoftware.smackx.omemo.trust.TrustState;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * An OMEMO 0.3 client we did not write: Smack 4.5's {@code smack-omemo-signal} (signal-protocol-java underneath), one
 * connection and one OMEMO device, with the setup its documentation and the issue ask for: BouncyCastle as the first
 * provider, a file store in a temporary directory, a trust callback that trusts every identity (the test compares
 * what each side shows instead), the roster's subscription mode set on the instance.
 */
final class SmackOmemoPeer implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(45);

    /** One message this peer decrypted, with the element it came in (to tell prekey from normal messages). */
    record Received(String body, OmemoElement element, BareJid from, boolean carbon) {
        /** True if the key element addressed to {@code deviceId} is a prekey message (a session's first). */
        boolean preKeyFor(int deviceId) {
            return element.getHeader().getKeys().stream().filter(k -> k.getId() == deviceId)
                    .map(OmemoKeyElement::isPreKey).findFirst()
                    .orElseThrow(() -> new AssertionError("no key for device " + deviceId + " in " + element
                            .toXML()));
        }
    }

    private static boolean serviceReady;

    final XMPPTCPConnection connection;
    final OmemoManager omemo;
    final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();

    private SmackOmemoPeer(XMPPTCPConnection connection, OmemoManager omemo) {
        this.connection = connection;
        this.omemo = omemo;
    }

    /** Logs {@code user} in with a new OMEMO device and publishes it (device list and bundle). */
    static SmackOmemoPeer login(String host, int port, String domain, String user, String password, String resource)
            throws Exception {
        setUpService();
        XMPPTCPConnection connection = connection(host, port, domain, user, password, resource);
        connection.connect().login();
        Roster.getInstanceFor(connection).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        OmemoManager omemo = OmemoManager.getInstanceFor(connection, OmemoManager.randomDeviceId());
        SmackOmemoPeer peer = new SmackOmemoPeer(connection, omemo);
        omemo.setTrustCallback(new TrustAll());
        omemo.addOmemoMessageListener(new OmemoMessageListener() {
            @Override
            public void onOmemoMessageReceived(Stanza stanza, OmemoMessage.Received message) {
                if (!message.isKeyTransportMessage()) {
                    peer.inbox.add(new Received(message.getBody(), message.getElement(),
                            stanza.getFrom().asBareJid(), false));
                }
            }

            @Override
            public void onOmemoCarbonCopyReceived(CarbonExtension.Direction direction, Message carbon,
                    Message wrapping, OmemoMessage.Received message) {
                if (!message.isKeyTransportMessage()) {
                    peer.inbox.add(new Received(message.getBody(), message.getElement(),
                            carbon.getFrom().asBareJid(), true));
                }
            }
        });
        omemo.initialize();
        return peer;
    }

    /** A plain (non-OMEMO) Smack 4.5 connection, e.g. to set up the Sotto user's roster as an earlier login would. */
    static XMPPTCPConnection connection(String host, int port, String domain, String user, String password,
            String resource) throws Exception {
        XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(domain)
                .setHostAddress(InetAddress.getByName(host))
                .setPort(port)
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled)
                .setUsernameAndPassword(user, password)
                .setResource(resource)
                .build();
        XMPPTCPConnection connection = new XMPPTCPConnection(config);
        connection.setReplyTimeout(15_000);
        return connection;
    }

    /** Smack's OMEMO service is a process-wide singleton with a store set once (see the style guide's criticism). */
    private static synchronized void setUpService() throws IOException {
        if (serviceReady) {
            return;
        }
        Security.insertProviderAt(new BouncyCastleProvider(), 1);
        SignalOmemoService.acknowledgeLicense();
        SignalOmemoService.setup();
        Path store = Files.createTempDirectory("smack-omemo-store-");
        ((SignalOmemoService) OmemoService.getInstance()).setOmemoStoreBackend(
                new SignalFileBasedOmemoStore(store.toFile()));
        serviceReady = true;
    }

    int deviceId() {
        return omemo.getDeviceId();
    }

    BareJid jid() {
        return connection.getUser().asBareJid();
    }

    /** Waits until {@code contact}'s published device list names an OMEMO device other than {@code except}. */
    Set<OmemoDevice> awaitDevicesOf(BareJid contact) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            omemo.requestDeviceListUpdateFor(contact);
            Set<OmemoDevice> devices = omemo.getDevicesOf(contact);
            if (!devices.isEmpty()) {
                return devices;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(contact + " never published an OMEMO device list");
            }
            Thread.sleep(500);
        }
    }

    /** Encrypts {@code body} for every device of {@code to} (and our own other devices) as a chat message. */
    OmemoMessage.Sent encrypt(BareJid to, String body) throws Exception {
        return omemo.encrypt(to, body);
    }

    /** The stanza Smack would send for {@code sent}; sending it twice is a duplicate. */
    static Message stanza(OmemoMessage.Sent sent, org.jxmpp.jid.Jid to) {
        return sent.buildMessage(StanzaBuilder.buildMessage().ofType(Message.Type.chat), to);
    }

    void send(Message stanza) throws Exception {
        connection.sendStanza(stanza);
    }

    Received next() throws InterruptedException {
        Received received = inbox.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (received == null) {
            throw new AssertionError(jid() + " (Smack) decrypted nothing within " + WAIT.toSeconds() + " s");
        }
        return received;
    }

    /** Requests presence subscriptions both ways between this peer and {@code other}, and waits for "both". */
    static void subscribeBothWays(XMPPTCPConnection a, XMPPTCPConnection b) throws Exception {
        Roster ra = Roster.getInstanceFor(a);
        Roster rb = Roster.getInstanceFor(b);
        ra.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        rb.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        ra.createItemAndRequestSubscription(b.getUser().asBareJid(), null, null);
        rb.createItemAndRequestSubscription(a.getUser().asBareJid(), null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!both(ra, b.getUser().asBareJid()) || !both(rb, a.getUser().asBareJid())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no mutual subscription: " + ra.getEntries() + " / " + rb.getEntries());
            }
            Thread.sleep(100);
        }
    }

    private static boolean both(Roster roster, BareJid contact) {
        RosterEntry entry = roster.getEntry(contact);
        return entry != null && entry.getType() == RosterPacket.ItemType.both;
    }

    static BareJid bare(String jid) {
        return JidCreate.bareFromOrThrowUnchecked(jid);
    }

    @Override
    public void close() {
        connection.disconnect();
    }

    /** Trusts every identity: the test checks what Sotto shows, not Smack's trust decisions. */
    private static final class TrustAll implements OmemoTrustCallback {
        @Override
        public TrustState getTrust(OmemoDevice device, OmemoFingerprint fingerprint) {
            return TrustState.trusted;
        }

        @Override
        public void setTrust(OmemoDevice device, OmemoFingerprint fingerprint, TrustState state) {
            // Nothing is recorded: every identity is trusted.
        }
    }
}
