package im.sotto.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoListener;

import org.jxmpp.jid.EntityBareJid;

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
        + "are compared instead. The answer is read from the terminal, or from standard input in scripts.",
        "While a listen or chat of the account runs, the session it holds is compared (as /verify in a chat): no "
        + "new handshake, so the contact uses /verify in its chat or sotto verify beside its own listen."})
public final class VerifyCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    ContactPassword contactPassword;

    @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
    String jid;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the contact "
            + "(default: ${DEFAULT-VALUE}).")
    long timeout = 120;

    @Override
    public Integer call() throws Exception {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        Optional<Integer> handedOff = throughListen(entry, peer);
        if (handedOff.isPresent()) {
            return handedOff.get();
        }
        CompletableFuture<SasCheck.Comparison> comparison = new CompletableFuture<>();
        PeerRendezvous[] rendezvous = new PeerRendezvous[1];
        boolean[] passwordChecked = {false};
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            SottoListener listener = new SottoListener() {
                @Override
                public void onStanza(DecryptedStanza stanza) {
                    if (!stanza.peer().equals(peer)) {
                        return;
                    }
                    comparison.complete(new SasCheck.Comparison(stanza.sas(), stanza.accountFingerprint()));
                    if (rendezvous[0] != null) {
                        rendezvous[0].answer(stanza.stanza().getFrom());
                    }
                }

                @Override
                public void onEvent(SecurityEvent event) {
                    if (event instanceof SecurityEvent.SessionEstablished s && s.peer().equals(peer)) {
                        passwordChecked[0] = s.passwordChecked();
                    }
                    if (passwordMismatch(event, peer)) {
                        comparison.completeExceptionally(new CliException(ExitCode.NOT_VERIFIED, "the password "
                                + "agreed with " + peer + " did not match: no session was made and nothing was sent "
                                + "(one online guess spent). Agree on it again and both run sotto verify."));
                    } else if (event instanceof SecurityEvent.SessionEstablished s && s.peer().equals(peer)
                            && s.sas().isPresent()) {
                        comparison.complete(new SasCheck.Comparison(s.sas(), Optional.empty()));
                    } else if (event instanceof SecurityEvent.KeyChanged k && k.peer().equals(peer)) {
                        comparison.completeExceptionally(new CliException(ExitCode.NOT_VERIFIED, peer
                                + " presented a new account key " + k.presented().displayForm() + "; not verified. "
                                + "Ask them whether they reinstalled, then sotto trust --accept-new-key " + peer));
                    }
                }
            };
            try (Online connected = Online.connect(common, opened, listener, System.err,
                    m -> contactPassword.applyTo(m, peer, System.err));
                 PeerRendezvous meeting = PeerRendezvous.start(connected, peer, "comparing the SAS")) {
                rendezvous[0] = meeting;
                System.err.println("Waiting for " + peer + " to run sotto verify " + entry.jid() + " ...");
                meeting.peerResource().get(timeout, TimeUnit.SECONDS);
                SasCheck.Comparison found = comparison.get(timeout, TimeUnit.SECONDS);
                SasCheck.shown(peer, found).forEach(System.out::println);
                if (contactPassword.applied()) {
                    System.out.println(passwordChecked[0] ? "Contact password: checked, the same on both sides"
                            : "Contact password: NOT checked: this session was made before, without it (compare the "
                            + "SAS)");
                }
                boolean same = SasCheck.isYes(ask(SasCheck.question(peer, found)));
                // Let the reply the peer may still be waiting for go out before we disconnect.
                Thread.sleep(1000);
                System.out.println(SasCheck.record(connected.manager, peer, same));
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

    /**
     * Beside a running listen or chat of the account (which holds the store): the comparison of the session it holds,
     * asked here ({@link HandOffVerify}); empty when none runs. A contact password needs a new session, which this
     * does not make: refused with what to do.
     */
    private Optional<Integer> throughListen(Accounts.Entry entry, EntityBareJid peer) throws IOException {
        Optional<HandOff.Answer> shown = HandOffClient.read(entry.directory(), new HandOff.Verify(peer.toString()));
        if (shown.isEmpty()) {
            return Optional.empty();
        }
        if (contactPassword.given()) {
            throw new CliException(ExitCode.USAGE, "a listen or chat of " + entry.jid() + " is running: it compares "
                    + "the SAS of the session it already holds, and a contact password is checked only when a session "
                    + "is made. Stop it, then run sotto verify with the password again; nothing recorded");
        }
        if (shown.get().exit() != ExitCode.OK) {
            return Optional.of(HandOffClient.print(shown.get()));
        }
        System.err.println("Compared on the session of the running listen (or chat) of " + entry.jid() + ":");
        String text = shown.get().out();
        String answer = ask(text);
        Optional<HandOff.Answer> recorded = HandOffClient.change(entry.directory(),
                new HandOff.VerifyAnswer(peer.toString(), text, SasCheck.isYes(answer)));
        if (recorded.isEmpty()) {
            throw new CliException(ExitCode.FAILED, "the running listen of " + entry.jid() + " ended before the "
                    + "answer was recorded; nothing recorded, run sotto verify " + peer + " again");
        }
        return Optional.of(HandOffClient.print(recorded.get()));
    }

    /** The handshake failed on the contact password: this side's check, or its stanza refused because of it. */
    private static boolean passwordMismatch(SecurityEvent event, EntityBareJid peer) {
        if (event instanceof SecurityEvent.SendFailed f) {
            return f.peer().equals(peer) && f.reason() == SendFailure.PASSWORD_MISMATCH;
        }
        return event instanceof SecurityEvent.UndecryptableStanza u && peer.equals(u.peer())
                && String.valueOf(u.detail()).contains("PASSWORD_");
    }

    private static String ask(String question) throws IOException {
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
        return answer;
    }
}
