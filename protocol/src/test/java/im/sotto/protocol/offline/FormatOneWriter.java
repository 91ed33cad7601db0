package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.wire.ByteWriter;

/**
 * Writes what older clients wrote and this version only reads: format-1 bundles (the suites byte unsigned) and
 * format-1 first replies (the prefix not bound). Tests use it to show old data is still read, and to build the
 * attacks format 2 closes.
 */
final class FormatOneWriter {
    private FormatOneWriter() {}

    /** The vault's published bundle as an older client published it, signed in format 1. */
    static PreKeyBundle bundle(PreKeyVault vault, AccountIdentity owner) {
        PreKeyBundle current = vault.bundle();
        return bundle(current, owner, current.suiteBits());
    }

    /** A format-1 bundle with the given suites byte and the same keys, signed as format 1 signs (suites not). */
    static PreKeyBundle bundle(PreKeyBundle keys, AccountIdentity owner, int suiteBits) {
        byte[] pq = keys.pqPreKey().orElse(null);
        byte[] signature = owner.sign(PreKeyBundle.signedContent(PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY, 0, 0,
                keys.signedPreKeyId(), keys.signedPreKey(), pq));
        return new PreKeyBundle(PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY, keys.versionBits(), suiteBits,
                keys.signedPreKeyId(), keys.signedPreKey(), pq, signature, keys.oneTimePreKeys());
    }

    /** A first reply as format 1 sealed it: prefix 0x01 0x21, the caller's associated data alone. */
    static byte[] reply(RatchetSession session, DeviceIdentity local, DeviceCertificate sender, byte[] transcriptHash,
            byte[] plaintext, byte[] associatedData) throws InvalidPublicKeyException {
        CipherSuite suite = session.suite();
        SecretBytes dh = local.deviceKey().agree(sender.deviceKey());
        byte[] mac;
        try {
            mac = FirstMessageFormat.confirmationMac(suite, dh, transcriptHash);
        } finally {
            dh.wipe();
        }
        byte[] inner = new ByteWriter().vector16(local.certificate().encoded()).bytes(mac).bytes(plaintext)
                .toByteArray();
        return new ByteWriter().u8(FirstReply.FORMAT_PREFIX_NOT_BOUND).u8(FirstMessageFormat.TYPE_FIRST_REPLY)
                .bytes(session.encrypt(inner, associatedData)).toByteArray();
    }
}
