package im.sotto.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import im.sotto.protocol.identity.Fingerprint;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto verify JID}: the SAS comparison. */
@Command(name = "verify", mixinStandardHelpOptions = true, description = {"Compares the short authentication string "
        + "(8 characters) with a contact who runs sotto verify at the same time: shows it, asks whether the contact "
        + "sees the same, and records the answer (yes: VERIFIED, and the contact's devices awaiting approval are "
        + "approved; no: DISTRUSTED, someone may be in the middle, exit code 7).",
        "The SAS comes from an online handshake; a session that began offline has none, and the full fingerprints "
        + "are compared instead. The answer is read from the terminal, or from standard input in scripts."})
public final class VerifyCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
    String jid;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the contact "
            + "(default: ${DEFAULT-VALUE}).")
    long timeout = 120;

    /** What is compared: a SAS, or the peer's fingerprint when the session began offline. */
    private record Comparison(Optional<String> sas, Optional<Fingerprint> fingerprint) {
    }

    @Override
    public Integer call() throws Exception {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        CompletableFuture<Comparison> comparison = new CompletableFuture<>();
        CompletableFuture<Jid> peerResource = new CompletableFuture<>();
        AtomicBoolean replied = new AtomicBoolean();
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            Online[] online = new Online[1];
            SottoListener listener = new SottoListener() {
                @Override
                public void onStanza(DecryptedStanza stanza) {
                    if (!stanza.peer().equals(peer)) {
                        return;
                    }
                    comparison.complete(new Comparison(stanza.sas(), stanza.accountFingerprint()));
                    if (replied.compareAndSet(false, true) && online[0] != null) {
                        sendPresence(online[0], stanza.stanza().getFrom());
                    }
                }

                @Override
                public void onEvent(SecurityEvent event) {
                    if (event instanceof SecurityEvent.SessionEstablished s && s.peer().equals(peer)
                            && s.sas().isPresent()) {
                        comparison.complete(new Comparison(s.sas(), Optional.empty()));
                    } else if (event instanceof SecurityEvent.KeyChanged k && k.peer().equals(peer)) {
                        comparison.completeExceptionally(new CliException(ExitCode.NOT_VERIFIED, peer
                                + " presented a new account key " + k.presented().displayForm() + "; not verified. "
                                + "Ask them whether they reinstalled, then sotto trust --accept-new-key " + peer));
                    }
                }
            };
            StanzaFilter plainPresenceFromPeer = stanza -> stanza instanceof Presence p
                    && p.getType() == Presence.Type.available && p.getFrom() != null
                    && p.getFrom().isEntityFullJid() && p.getFrom().asBareJid().equals(peer)
                    && !p.hasExtension(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE);
            try (Online connected = Online.connect(common, opened, listener, System.err)) {
                online[0] = connected;
                connected.connection.addAsyncStanzaListener(stanza -> peerResource.complete(stanza.getFrom()),
                        plainPresenceFromPeer);
                // Availability only (no content), so each side learns the other's resource for the handshake.
                connected.connection.sendStanza(StanzaBuilder.buildPresence().to(peer).build());
                System.err.println("Waiting for " + peer + " to run sotto verify " + entry.jid() + " ...");
                Jid resource = peerResource.get(timeout, TimeUnit.SECONDS);
                connected.connection.sendStanza(StanzaBuilder.buildPresence().to(resource).build());
                if (connected.connection.getUser().toString().compareTo(resource.toString()) < 0
                        && replied.compareAndSet(false, true)) {
                    sendPresence(connected, resource);
                }
                Comparison found = comparison.get(timeout, TimeUnit.SECONDS);
                boolean same = ask(peer, found);
                // Let the reply the peer may still be waiting for go out before we disconnect.
                Thread.sleep(1000);
                if (!same) {
                    connected.manager.markSasMismatch(peer);
                    throw new CliException(ExitCode.NOT_VERIFIED, "NOT verified: " + peer + " sees something "
                            + "else, so someone may be in the middle; " + peer + " is now "
                            + TrustNames.of(connected.manager.contact(peer)) + ": nothing is sent to it until a "
                            + "comparison matches. Compare again in person");
                }
                if (!connected.manager.markVerified(peer)) {
                    throw new CliException(ExitCode.NOT_VERIFIED, "could not record the decision: the key pinned for "
                            + peer + " is not the one compared");
                }
                System.out.println(peer + " is now " + TrustNames.of(connected.manager.contact(peer)));
                return ExitCode.OK;
            }
        } catch (TimeoutException e) {
            throw new CliException(ExitCode.TIMEOUT, peer + " did not answer within " + timeout + " s; both sides "
                    + "must run sotto verify at the same time", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CliException cli) {
                throw cli;
            }
            throw e;
        }
    }

    private static void sendPresence(Online online, Jid to) {
        Presence presence = StanzaBuilder.buildPresence().to(to).setStatus("comparing the SAS").build();
        online.manager.send(presence);
    }

    private static boolean ask(EntityBareJid peer, Comparison found) throws IOException {
        String question;
        if (found.sas().isPresent()) {
            System.out.println("SAS with " + peer + ": " + found.sas().get());
            question = "Does " + peer + " see the same 8 characters? [yes/no] ";
        } else {
            System.out.println("This session began offline and has no SAS; compare the fingerprint instead.");
            System.out.println(peer + "'s fingerprint: " + found.fingerprint().map(Fingerprint::displayForm)
                    .orElse("(not yet proved)"));
            question = "Does sotto fingerprint on " + peer + "'s side show the same? [yes/no] ";
        }
        System.out.print(question);
        System.out.flush();
        String answer;
        if (System.console() != null) {
            answer = System.console().readLine();
        } else {
            answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            System.out.println(answer == null ? "" : answer);
        }
        if (answer == null) {
            throw new CliException(ExitCode.USAGE, "no answer (end of input); nothing recorded");
        }
        String a = answer.strip().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }
}
