package im.sotto.xmpp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Stanza;

/**
 * Live Sotto stanzas held back while the login's archive catch-up (protocol.md 7.5) has not passed them yet.
 * <p>
 * What a peer sent while this device was down reaches it through the archive; what the peer sends now arrives live.
 * Opening a live message before the archived ones before it makes the ratchet report them missing (and later "arrived
 * late"), delivers out of order, and holds a skipped key for each: a long outage under load then passed the ratchet's
 * limit of held keys and broke the session ({@code TOO_FAR_AHEAD}, issue #23). So from a login until its catch-up is
 * done, live stanzas are held here, not decrypted, in arrival order; when it is done they are released in that order,
 * the ones catch-up already processed from the archive being skipped by their archive id. Handshake steps, and the
 * first ratchet message of a handshake this device answered, are not held: they are time-critical (the peer's
 * timeouts run) and belong to a new session, which has no archived past.
 * <p>
 * Bounded by {@link #MAX_HELD}: beyond it the oldest held stanza that the server archived is dropped from memory (the
 * catch-up's next pass or the next login fetches it from the archive, since the position never passes what was not
 * processed); one that was not archived (an empty ratchet message, sent with a no-store hint) is never dropped.
 * Worker thread only.
 */
final class CatchUpHold {
    /**
     * Live stanzas held at most: the size of two catch-up passes, far above what arrives during one under load
     * (the kill test's sender, at 25 messages a second, sends about 250 during a 10-second catch-up).
     */
    static final int MAX_HELD = 2 * ArchiveCatchUp.MAX_PER_PASS;

    private final ArrayDeque<Stanza> held = new ArrayDeque<>();
    private final Predicate<Stanza> archived;
    private final Predicate<Stanza> urgent;
    private boolean holding;

    /**
     * {@code archived}: whether the account's server archived a stanza (it carries the server's archive id);
     * {@code urgent}: a stanza that must not wait, such as the first ratchet message of a handshake this device
     * answered (it confirms a new session, which has no archived past).
     */
    CatchUpHold(Predicate<Stanza> archived, Predicate<Stanza> urgent) {
        this.archived = archived;
        this.urgent = urgent;
    }

    /** A login's catch-up began: live stanzas are held from now on until {@link #release()}. */
    void begin() {
        holding = true;
    }

    /** Whether catch-up is running (or will run again) and live stanzas are held. */
    boolean holding() {
        return holding;
    }

    /** Holds {@code live} if catch-up has not passed it yet; false when it is to be processed now. */
    boolean hold(Stanza live) {
        if (!holding || carriesHandshake(live) || urgent.test(live)) {
            return false;
        }
        if (held.size() >= MAX_HELD) {
            dropOldestArchived();
        }
        held.addLast(live);
        return true;
    }

    /** Catch-up is done (complete, or given up): holds nothing more and returns what it held, in arrival order. */
    List<Stanza> release() {
        holding = false;
        List<Stanza> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    /** A new login: what was held for the old one is in the archive (or was a live-only step long over). */
    void forget() {
        held.clear();
        holding = false;
    }

    private void dropOldestArchived() {
        for (Iterator<Stanza> it = held.iterator(); it.hasNext();) {
            if (archived.test(it.next())) {
                it.remove();
                return;
            }
        }
    }

    private static boolean carriesHandshake(Stanza live) {
        return Wire.elementsOf(live).stream().anyMatch(e -> e.kind() == SottoEncrypted.Kind.HANDSHAKE);
    }
}
