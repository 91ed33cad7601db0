package im.sotto.cli;

import java.util.List;
import java.util.Optional;

import im.sotto.xmpp.ContactStatus;
import im.sotto.xmpp.SessionSummary;

import org.jxmpp.jid.EntityBareJid;

/**
 * {@code sotto verify JID} beside a running {@code listen} or {@code chat} of the account: the comparison is
 * interactive, so it goes over the hand-off in two requests, and the question is asked by the command in its own
 * terminal. The first ({@link HandOff.Verify}) returns what {@code /verify} in a chat would show for the session the
 * listen holds (its SAS if it began online, else the contact's pinned fingerprint) followed by the question; the
 * second ({@link HandOff.VerifyAnswer}) records the answer, but only if the listen would still show exactly the same
 * text: a session made between the two would otherwise be marked verified on an answer about another one. No online
 * handshake is started here (the listen's connection serves everyone); a contact without a session yet is told so.
 */
final class HandOffVerify {
    private HandOffVerify() {
    }

    /** The lines to show and the question (without a line end after it); a CliException when nothing to compare. */
    static String shown(Online online, EntityBareJid peer) {
        List<SessionSummary> sessions = online.manager.sessions(peer);
        Optional<ContactStatus> contact = online.manager.contact(peer);
        if (sessions.isEmpty() || contact.isEmpty()) {
            throw new CliException(ExitCode.NOT_VERIFIED, "no encrypted session with " + peer + " yet, nothing to "
                    + "compare; the running listen or chat of this account compares the SAS of the session it holds. "
                    + "Exchange a message with " + peer + " first, or stop the listen and both run sotto verify "
                    + "at the same time; nothing recorded");
        }
        // An online session's SAS is what the contact's chat or verify shows; any device's will do, the answer
        // records trust in the account key that all of them are bound to.
        Optional<String> sas = sessions.stream().map(SessionSummary::sas).flatMap(Optional::stream).findFirst();
        SasCheck.Comparison found = new SasCheck.Comparison(sas,
                sas.isPresent() ? Optional.empty() : Optional.of(contact.get().fingerprint()));
        return String.join("\n", SasCheck.shown(peer, found)) + "\n" + SasCheck.question(peer, found);
    }

    /** Records {@code answer}, or refuses (exit code 7, nothing recorded) when the comparison is no longer the same. */
    static String record(Online online, HandOff.VerifyAnswer answer) {
        EntityBareJid peer = Jids.account(answer.jid());
        if (!shown(online, peer).equals(answer.shown())) {
            throw new CliException(ExitCode.NOT_VERIFIED, "the session with " + peer + " changed while you compared "
                    + "(what the listen would show now differs from what you answered); nothing recorded, run "
                    + "sotto verify " + peer + " again");
        }
        return SasCheck.record(online.manager, peer, answer.same());
    }
}
