package im.sotto.protocol.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;

/**
 * An undecryptable stanza is reported once, also when a later run reads it again (issue #23). The archive position
 * trails the newest archived stanza by 30 s (protocol.md 7.5), so a run that starts within that time after one that
 * read an undecryptable stanza fetches it again; it leaves no entry in the message log (nothing was decrypted), so
 * before this it was tried and reported again at every such login.
 *
 * <p>What is remembered is a digest of the sender's account and the stanza's ciphertexts, in the store's replay
 * cache (blind-indexed at rest like every entry there): the same stanza fetched again has the same ciphertexts,
 * whatever id the server or the sender gave it; another stanza never has. The label keeps these entries apart from the
 * first-message identifiers the cache also holds.
 */
public final class ReportedOnce {
    /**
     * How long a report is remembered: a stanza is fetched again only while it is after the stored archive position,
     * which passes it within the settle time once a catch-up pass completes; a day also covers runs killed before any
     * pass stored the position (the kill test's), for one 32-byte entry per undecryptable stanza.
     */
    public static final Duration REMEMBERED_FOR = Duration.ofDays(1);
    private static final byte[] LABEL = "sotto undecryptable stanza reported v1".getBytes(StandardCharsets.US_ASCII);

    private ReportedOnce() {
    }

    /**
     * Whether this is the first report of the stanza {@code sender} sent with these {@code ciphertexts} (its encrypted
     * elements' payloads, in order); remembers it in the caller's transaction. False for one reported before.
     */
    public static boolean firstReport(Stores stores, BareJid sender, List<byte[]> ciphertexts, Instant now) {
        MessageDigest sha = sha256();
        sha.update(LABEL);
        lengthPrefixed(sha, sender.toString().getBytes(StandardCharsets.UTF_8));
        for (byte[] ciphertext : ciphertexts) {
            lengthPrefixed(sha, ciphertext);
        }
        return stores.replayCache().addIfAbsent(sha.digest(), now.plus(REMEMBERED_FOR));
    }

    private static void lengthPrefixed(MessageDigest sha, byte[] part) {
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
        sha.update(part);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
