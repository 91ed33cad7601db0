package im.sotto.xmpp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import im.sotto.protocol.session.HandshakesInFlight;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * Decisions about JIDs that wait for the roster ({@link ContactCheck#standing} empty): heals and handshake openings
 * from a JID that has no trust record and no session while the roster is still loading after login. Refusing them
 * there took a contact for a stranger: a contact whose first session completed on its side only (this device died
 * before storing it) was refused every heal and answered in the protected mode, and what it then sent could not be
 * read. They are decided again, on the worker, once the roster is loaded. In memory only: an opening lost with the
 * process is retried by its initiator, and a heal is started again by the next stanza that needs it. Called only
 * from the manager's worker thread.
 */
final class ContactWait {
    /**
     * Waiting decisions of each kind. The roster loads within seconds of login; a stranger flooding in that window
     * can only push out its own (older) entries, and an evicted opening is retried by its initiator.
     */
    static final int MAX_WAITING = 64;

    /** What waited, in arrival order. */
    record Waiting(Map<BareJid, Jid> heals, List<Stanza> openings) {
    }

    private final Map<BareJid, Jid> heals = new LinkedHashMap<>();
    private final List<Stanza> openings = new ArrayList<>();

    /** True if every element of the stanza opens a handshake: such a stanza carries no content to lose. */
    static boolean onlyOpenings(List<SottoEncrypted> elements) {
        if (elements.isEmpty()) {
            return false;
        }
        for (SottoEncrypted element : elements) {
            if (element.kind() != SottoEncrypted.Kind.HANDSHAKE
                    || !HandshakesInFlight.opensHandshake(element.payload())) {
                return false;
            }
        }
        return true;
    }

    void heal(BareJid peer, Jid from) {
        heals.remove(peer);
        heals.put(peer, from);
        if (heals.size() > MAX_WAITING) {
            heals.remove(heals.keySet().iterator().next());
        }
    }

    void opening(Stanza outer) {
        openings.add(outer);
        if (openings.size() > MAX_WAITING) {
            openings.remove(0);
        }
    }

    Waiting takeAll() {
        Waiting waiting = new Waiting(new LinkedHashMap<>(heals), new ArrayList<>(openings));
        heals.clear();
        openings.clear();
        return waiting;
    }
}
