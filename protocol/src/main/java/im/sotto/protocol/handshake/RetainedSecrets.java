package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The secrets retained from earlier sessions with one peer device (docs/protocol.md 4.11), newest first, each 32
 * bytes and marked <em>confirmed</em> once the peer has shown it holds it. A new secret does not displace the older
 * ones: a session that completed on one side only (a crash between the two sides' commits) leaves the other side
 * without it, and that can happen several times in a row. Older secrets go only when the peer has shown it will
 * never need them (its anchor moved past them) or when more than {@link #MAX_KEPT} are held.
 */
public final class RetainedSecrets {
    static final int LENGTH = 32;
    /**
     * Secrets kept per peer device. A side needs one more than the handshakes in a row after which it cannot tell
     * whether the peer stored the new secret (it sent the last message and heard nothing back; each such handshake
     * is one more candidate the peer may hold). Known peers use the IK mode, where the side that cannot tell learns
     * at the next handshake, and a handful of entries suffice whatever the number of crashes
     * (RetainedSecretTest); 8 tolerates seven full-handshake (XX, responder-protected) completions in a row that
     * may each have reached one side only. Each entry costs 33 bytes and two HMAC checks per handshake.
     */
    public static final int MAX_KEPT = 8;
    /** The record layout of 2025 (the newest and the previous secret, nothing confirmed); read, never written. */
    private static final int RECORD_V1 = 1;
    private static final int RECORD_V2 = 2;

    private final List<SecretBytes> secrets;
    private final List<Boolean> confirmed;

    private RetainedSecrets(List<SecretBytes> secrets, List<Boolean> confirmed) {
        if (secrets.isEmpty() || secrets.size() > MAX_KEPT || secrets.size() != confirmed.size()
                || secrets.stream().anyMatch(s -> s == null || s.length() != LENGTH)) {
            throw new IllegalArgumentException("1 to " + MAX_KEPT + " retained secrets of 32 bytes each");
        }
        this.secrets = List.copyOf(secrets);
        this.confirmed = List.copyOf(confirmed);
    }

    /** The secrets of a first session with a device: its own, not yet confirmed. */
    static RetainedSecrets first(SecretBytes secret, boolean confirmedByPeer) {
        return new RetainedSecrets(List.of(secret), List.of(confirmedByPeer));
    }

    /** The newest secret (the last session this side completed with the peer device). */
    public SecretBytes newest() {
        return secrets.get(0);
    }

    /** How many secrets are kept (1 to {@link #MAX_KEPT}). */
    public int size() {
        return secrets.size();
    }

    /** Whether the peer has shown it holds the secret at {@code index} (0 is the newest). */
    public boolean isConfirmed(int index) {
        return confirmed.get(index);
    }

    /**
     * Whether any kept secret is confirmed: only then is this history the peer must prove (docs/protocol.md 4.11).
     * Secrets that were never confirmed may come from a handshake that completed on this side only (the peer died
     * before storing it); they are still proven and matched, but a peer that proves none of them is not a break.
     */
    public boolean anyConfirmed() {
        return confirmed.contains(Boolean.TRUE);
    }

    /**
     * The same secrets with the newest one confirmed: the peer sent a ratchet message under the session that left
     * it, which it does only from a session it stored.
     */
    public RetainedSecrets withNewestConfirmed() {
        List<Boolean> c = new ArrayList<>(confirmed);
        c.set(0, true);
        return new RetainedSecrets(secrets, c);
    }

    /** Every kept secret, newest first (the candidates a peer's proof is checked against). */
    List<SecretBytes> newestFirst() {
        return secrets;
    }

    /**
     * The index of the secret this side proves first: the newest confirmed one, which the peer holds; when none is
     * confirmed yet, the oldest, the one most likely to have reached the peer. It only ever moves to newer secrets.
     */
    int anchor() {
        int i = confirmed.indexOf(Boolean.TRUE);
        return i >= 0 ? i : secrets.size() - 1;
    }

    /** The index of the newest secret other than the anchor, the second proven (empty when only one is kept). */
    Optional<Integer> besideAnchor() {
        int anchor = anchor();
        return secrets.size() < 2 ? Optional.empty() : Optional.of(anchor == 0 ? 1 : 0);
    }

    /**
     * What to keep after a session that leaves {@code fresh}: {@code proven} are the indexes of the secrets the peer
     * proved or confirmed in it (now confirmed), {@code floor} the index of a secret the peer now holds as confirmed
     * (its anchor never goes back past it, so everything older is dropped), and {@code freshConfirmed} whether the
     * peer is known to have stored the new session (it sent the last message, after its commit).
     */
    RetainedSecrets next(SecretBytes fresh, boolean freshConfirmed, Set<Integer> proven, Optional<Integer> floor) {
        int end = floor.map(f -> f + 1).orElse(secrets.size());
        List<SecretBytes> s = new ArrayList<>();
        List<Boolean> c = new ArrayList<>();
        s.add(fresh);
        c.add(freshConfirmed);
        for (int i = 0; i < end; i++) {
            s.add(secrets.get(i));
            c.add(confirmed.get(i) || proven.contains(i));
        }
        if (s.size() > MAX_KEPT) {
            // Over the bound: the oldest go, but never the newest confirmed one, the anchor the peer surely holds.
            int anchor = c.indexOf(Boolean.TRUE);
            if (anchor >= MAX_KEPT) {
                s.set(MAX_KEPT - 1, s.get(anchor));
                c.set(MAX_KEPT - 1, true);
            }
            s = s.subList(0, MAX_KEPT);
            c = c.subList(0, MAX_KEPT);
        }
        return new RetainedSecrets(s, c);
    }

    /** The record the store keeps (encrypted at rest, like every secret): version 2. */
    public byte[] toRecord() {
        ByteWriter w = new ByteWriter().u8(RECORD_V2).u8(secrets.size());
        for (int i = 0; i < secrets.size(); i++) {
            w.u8(confirmed.get(i) ? 1 : 0).bytes(secrets.get(i).reveal());
        }
        return w.toByteArray();
    }

    /**
     * Reads a record of version 2, or of version 1 ({@code u8 1 || rs1 || u8 flag || [rs2]}, written before
     * confirmation was tracked): its secrets are read as unconfirmed, so the first proof after an upgrade carries
     * both, as version 1 did.
     */
    public static RetainedSecrets fromRecord(byte[] record) throws MalformedInputException {
        ByteReader r = new ByteReader(record);
        int version = r.u8();
        List<SecretBytes> s = new ArrayList<>();
        List<Boolean> c = new ArrayList<>();
        if (version == RECORD_V1) {
            s.add(SecretBytes.copyOf(r.bytes(LENGTH)));
            int hasPrevious = r.u8();
            if (hasPrevious > 1) {
                throw new MalformedInputException("bad flag");
            }
            if (hasPrevious == 1) {
                s.add(SecretBytes.copyOf(r.bytes(LENGTH)));
            }
            c.addAll(Collections.nCopies(s.size(), false));
        } else if (version == RECORD_V2) {
            int count = r.u8();
            if (count < 1 || count > MAX_KEPT) {
                throw new MalformedInputException("retained-secret count out of range");
            }
            for (int i = 0; i < count; i++) {
                int flag = r.u8();
                if (flag > 1) {
                    throw new MalformedInputException("bad flag");
                }
                c.add(flag == 1);
                s.add(SecretBytes.copyOf(r.bytes(LENGTH)));
            }
        } else {
            throw new MalformedInputException("unknown retained-secret record version");
        }
        r.expectEnd();
        return new RetainedSecrets(s, c);
    }

    @Override
    public String toString() {
        return "RetainedSecrets[" + secrets.size() + " kept, " + confirmed.stream().filter(b -> b).count()
                + " confirmed, redacted]";
    }
}
