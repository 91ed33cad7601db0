package im.sotto.bench.sidebyside;

/**
 * The public-key operations one Sotto operation performs, read from the protocol code (BouncyCastle's static
 * functions cannot be intercepted); the AEAD and HMAC operations are counted at run time by {@link JcaCounter}.
 * Where each count comes from:
 * <ul>
 *   <li>Message without DH step: none. With a DH step, per received message: one key generation and two agreements
 *       ({@code Decryptor.startChain}).
 *   <li>Offline setup, sender ({@code FirstMessageSender.build}): ephemeral key generation; agreements e·SPK, e·OPK,
 *       DK_A·SPK [and e·DK_B when the recipient is pinned, after one Ed25519 verification of the bundle]; the
 *       ratchet's first key generation and agreement ({@code RatchetSession.start}). Receiver
 *       ({@code FirstMessageReceiver.open}): SPK·e, OPK·e, SPK·DK_A [DK_B·e when pinned]; one Ed25519 verification
 *       of the sender's certificate; the DH step of the first ratchet message. Hybrid: one ML-KEM-768
 *       encapsulation and one decapsulation more.
 *   <li>Online XX handshake: initiator e (1 generation), ee, es, se; responder e and its first ratchet key
 *       (2 generations), ee, es, se; one certificate verification each.
 * </ul>
 */
public record FloorCounts(int x25519Generate, int x25519Agree, int ed25519Verify, int mlKemEncapsulate,
        int mlKemDecapsulate) {
    static final FloorCounts ONE_WAY = new FloorCounts(0, 0, 0, 0, 0);
    static final FloorCounts PING_PONG = new FloorCounts(2, 4, 0, 0, 0);
    static final FloorCounts OFFLINE_FIRST_CONTACT = new FloorCounts(3, 9, 1, 0, 0);
    static final FloorCounts OFFLINE_PINNED = new FloorCounts(3, 11, 2, 0, 0);
    static final FloorCounts HANDSHAKE = new FloorCounts(3, 6, 2, 0, 0);

    static FloorCounts offline(boolean pinned, boolean hybrid) {
        FloorCounts c = pinned ? OFFLINE_PINNED : OFFLINE_FIRST_CONTACT;
        return hybrid ? new FloorCounts(c.x25519Generate, c.x25519Agree, c.ed25519Verify, 1, 1) : c;
    }
}
