package im.sotto.cli;

import java.time.Duration;

import im.sotto.xmpp.RecipientCheck;

import org.jxmpp.jid.EntityBareJid;

/**
 * A first contact that does not exist is said to be that, with an exit code of its own, instead of "the peer has no
 * Sotto device" (issue #18). Asked only for a peer Sotto knows nothing of (no trust record, no session): a contact
 * that once used Sotto exists.
 */
final class Recipients {
    /** The recipient's server answers within a round trip or two; a server that does not is not waited for long. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    private Recipients() {
    }

    /** Throws the user's error when {@code peer}'s server says it has no such account or cannot be found. */
    static void requireExisting(Online online, EntityBareJid peer) {
        if (peer.equals(online.opened.entry.jid()) || online.manager.contact(peer).isPresent()
                || !online.manager.sessions(peer).isEmpty()) {
            return;
        }
        RecipientCheck.Outcome outcome;
        try {
            outcome = RecipientCheck.check(online.connection, peer, CHECK_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted", e);
        }
        switch (outcome) {
            case NO_SUCH_USER:
                throw new CliException(ExitCode.NO_SUCH_USER, "no such user: the server of " + peer + " answers that "
                        + "this account does not exist (or accepts no messages from you); check the address. Nothing "
                        + "was sent or queued.");
            case SERVER_NOT_FOUND:
                throw new CliException(ExitCode.NO_SUCH_SERVER, "remote server not found: " + peer.getDomain()
                        + " cannot be found or reached from your server; check the address. Nothing was sent or "
                        + "queued.");
            default:
                return;
        }
    }
}
