package im.sotto.protocol.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;

import im.sotto.protocol.store.ReplayCache;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;

/**
 * A message sent again under a new session ({@link Resends}) is shown once (docs/protocol.md 7.3, "Sent again under
 * the new session"). The ratchet cannot see the repeat: the copy is a new ciphertext under another session. So the
 * receiver remembers, per sender account, the ids of the messages it delivered, and the sender marks a message it
 * sends again with its original id inside the encrypted envelope (authenticated: a server rewriting the clear outer
 * id of an ordinary message cannot make it count as a repeat).
 *
 * <p>Two digests in the store's replay cache (blind-indexed at rest, bounded by {@link #REMEMBERED_FOR}):
 * <i>delivered</i> = SHA-256("sotto delivered stanza id v1" ‖ sender account ‖ id) for every message delivered, and
 * <i>delivered again</i> (label "sotto resent stanza delivered v1") for a copy sent again that was delivered because
 * the original had not been: the original arriving after all (late, under the replaced session) is then the repeat.
 * An ordinary message whose id was merely seen before (an application reusing ids) is still delivered.
 */
public final class DeliveredOnce {
    /**
     * How long a delivered id is remembered: a message is sent again only while its replaced session's peer had not
     * acknowledged it, and a replaced session is kept for receiving this long ({@link PreviousSessions#LIFETIME}),
     * so an original still in flight opens within it. A peer acknowledges what it read with its next message or
     * heartbeat (every {@code HEARTBEAT_INTERVAL} messages); only one that read and then wrote nothing for longer than
     * this can be shown a copy twice. Cost: one 32-byte entry per message received, for 30 days.
     */
    public static final Duration REMEMBERED_FOR = PreviousSessions.LIFETIME;

    private static final byte[] DELIVERED = "sotto delivered stanza id v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELIVERED_AGAIN =
            "sotto resent stanza delivered v1".getBytes(StandardCharsets.US_ASCII);

    private DeliveredOnce() {
    }

    /**
     * In the transaction that decrypted a message from {@code sender} with stanza id {@code id} ({@code resent}: it
     * carries the mark of a copy sent again, with {@code id} its original id): whether to deliver it. Remembers it.
     */
    public static boolean deliver(Stores stores, BareJid sender, String id, boolean resent, Instant now) {
        ReplayCache cache = stores.replayCache();
        byte[] delivered = digest(DELIVERED, sender, id);
        Instant expires = now.plus(REMEMBERED_FOR);
        if (resent) {
            if (!cache.addIfAbsent(delivered, expires)) {
                return false;   // the original (or an earlier copy) was delivered
            }
            cache.addIfAbsent(digest(DELIVERED_AGAIN, sender, id), expires);
            return true;
        }
        if (!cache.addIfAbsent(delivered, expires)) {
            return !cache.contains(digest(DELIVERED_AGAIN, sender, id));
        }
        return true;
    }

    private static byte[] digest(byte[] label, BareJid sender, String id) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(label);
            for (byte[] part : new byte[][] {sender.toString().getBytes(StandardCharsets.UTF_8),
                    id.getBytes(StandardCharsets.UTF_8)}) {
                sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
                sha.update(part);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
