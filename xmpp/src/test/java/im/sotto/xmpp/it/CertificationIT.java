package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.session.ExternalTrust;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.OpenPgpAccountBinding;
import im.sotto.protocol.trust.TestPgp;
import im.sotto.protocol.trust.TestPki;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.protocol.trust.TrustSource;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.BareJid;

/**
 * X.509 and OpenPGP certification of account keys on real Prosody and ejabberd: bob attaches a certificate or an
 * OpenPGP binding (made in the test) to his handshake, inside the encrypted payload; alice checks it against the
 * anchor or keyring she configured. A valid one makes bob CERTIFIED; a wrong JID or an untrusted anchor is reported
 * with its reason and raises nothing.
 */
@ExtendWith(XmppServersExtension.class)
class CertificationIT {
    private static final Duration VALIDITY = Duration.ofDays(30);

    /** Who certified bob's account key, for which JID, and how. */
    private enum Case { VALID, WRONG_JID, UNTRUSTED_ANCHOR, OPENPGP }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aValidCertificateCertifiesAndBadOnesAreReportedWithTheirReason(ServerKind kind, XmppServers servers)
            throws Exception {
        TestPki.Ca aliceAnchor = TestPki.root("CN=Alice's trusted CA");
        TestPki.Ca stranger = TestPki.root("CN=A CA alice never configured");
        for (Case c : Case.values()) {
            run(servers.get(kind), c, aliceAnchor, stranger);
        }
    }

    private static void run(XmppServers.Server server, Case c, TestPki.Ca anchor, TestPki.Ca stranger)
            throws Exception {
        String s = suffix();
        SottoParty alice = new SottoParty();
        SottoParty bob = new SottoParty();
        try {
            alice.connect(server.connection("alice", "a-" + s));
            bob.connect(server.connection("bob", "b-" + s));
            BareJid bobJid = bob.connection.getUser().asBareJid();
            Instant now = Instant.now();
            if (c == Case.OPENPGP) {
                // Bob's OpenPGP key, in alice's keyring, signs the statement binding his account key to his JID.
                TestPgp.Key pgp = TestPgp.generate("xmpp:" + bobJid, now.minus(Duration.ofDays(2)), 0, false);
                alice.account.useExternalTrust(ExternalTrust.builder().openPgpKeyring(pgp.keyring()).build());
                byte[] statement = OpenPgpAccountBinding.statement(bobJid.toString(), bob.account.identity()
                        .publicKey());
                bob.account.useExternalTrust(ExternalTrust.builder().attachOpenPgp(statement,
                        pgp.sign(statement, now.minus(Duration.ofHours(1)))).build());
            } else {
                alice.account.useExternalTrust(ExternalTrust.builder().x509Anchors(anchor.anchors()).build());
                String named = c == Case.WRONG_JID ? "mallory@" + bobJid.getDomain() : bobJid.toString();
                TestPki.Ca issuer = c == Case.UNTRUSTED_ANCHOR ? stranger : anchor;
                X509Certificate certificate = issuer.issueAccount(bob.account.identity().publicKey(), named,
                        now.minus(Duration.ofDays(1)), now.plus(VALIDITY));
                bob.account.useExternalTrust(ExternalTrust.builder().attachX509(List.of(certificate)).build());
            }

            bob.manager.send(StanzaBuilder.buildMessage().to(alice.connection.getUser()).ofType(Message.Type.chat)
                    .setBody("certified? " + c).build()).get(20, TimeUnit.SECONDS);
            DecryptedStanza received = alice.next();
            assertEquals("certified? " + c, ((Message) received.stanza()).getBody());
            if (c == Case.VALID || c == Case.OPENPGP) {
                var certified = alice.awaitEvent(SecurityEvent.Certified.class, e -> e.peer().equals(bobJid));
                String subject = c == Case.OPENPGP ? "xmpp:" + bobJid : "CN=" + bobJid;
                assertEquals(c == Case.OPENPGP ? TrustSource.OPENPGP : TrustSource.X509, certified.method());
                assertEquals(subject, certified.subject());
                assertTrue(certified.validUntil().isAfter(now), certified.toString());
                assertEquals(TrustLevel.CERTIFIED, received.trust(), "the stanza in that session says so");
                assertEquals(Optional.of(TrustLevel.CERTIFIED), alice.manager.trustLevel(bobJid));
                assertEquals(subject, alice.manager.contact(bobJid).orElseThrow().certification()
                        .orElseThrow().subject());
            } else {
                RejectionReason expected = c == Case.WRONG_JID ? RejectionReason.WRONG_JID
                        : RejectionReason.UNTRUSTED_ANCHOR;
                var rejected = alice.awaitEvent(SecurityEvent.CertificationRejected.class,
                        e -> e.peer().equals(bobJid));
                assertEquals(expected, rejected.reason(), rejected.detail());
                assertEquals(TrustLevel.UNVERIFIED, received.trust());
                assertEquals(Optional.of(TrustLevel.UNVERIFIED), alice.manager.trustLevel(bobJid),
                        "a rejected certification raises nothing");
                assertTrue(alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.Certified));
            }
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }
}
