package im.sotto.protocol.trust;

import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.identity.AccountPublicKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Checks an OpenPGP binding of an account key to a JID, for {@link TrustLevel#CERTIFIED}: the account binding
 * statement {@code "Sotto v1 account binding" || JID || account key} (see {@link #statement}) with a detached
 * OpenPGP binary-document signature over it, made by a key in the keyring the user configured (its primary key or a
 * signing subkey bound to it). The key must carry a self-certified user id {@code xmpp:JID}, must not be revoked or
 * expired, and the signature must use SHA-256 or stronger. Never throws on bad input: every failure is a typed
 * rejection.
 */
public final class OpenPgpAccountBinding {
    /** The user id that ties an OpenPGP key to an XMPP account (as XEP-0373 does): {@code xmpp:} then the JID. */
    public static final String USER_ID_PREFIX = "xmpp:";
    private static final byte[] LABEL = "Sotto v1 account binding".getBytes(StandardCharsets.US_ASCII);
    /** Label, the longest canonical bare JID, and the key. */
    public static final int MAX_STATEMENT_BYTES = LABEL.length + 2 * BareJid.MAX_PART_BYTES + 1
            + Ed25519.PUBLIC_KEY_LENGTH;
    /** One signature packet; Ed25519 ones are about 120 bytes, RSA-4096 about 560, plus subpackets. */
    public static final int MAX_SIGNATURE_BYTES = 4096;
    private static final Set<Integer> ACCEPTED_HASHES = Set.of(HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA384,
            HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA3_256, HashAlgorithmTags.SHA3_512);

    private OpenPgpAccountBinding() {}

    /**
     * The bytes the user's OpenPGP key signs: the ASCII label {@code Sotto v1 account binding} (24 bytes), the
     * canonical bare JID in UTF-8, and the 32-byte Ed25519 account key. Label and key have fixed lengths, so the
     * JID is exactly what lies between them.
     */
    public static byte[] statement(String jid, AccountPublicKey key) {
        byte[] j = BareJid.parse(jid).toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(LABEL.length + j.length + Ed25519.PUBLIC_KEY_LENGTH);
        return b.put(LABEL).put(j).put(key.bytes()).array();
    }

    public static CertificationResult verify(byte[] statement, byte[] signature, AccountPublicKey expected,
            String expectedJid, PGPPublicKeyRingCollection keyring, Instant now) {
        BareJid jid = BareJid.parse(expectedJid);
        Optional<Statement> st = Statement.parse(statement);
        if (st.isEmpty()) {
            return reject(RejectionReason.MALFORMED, "not a Sotto v1 account binding statement");
        }
        if (!st.get().jid.equals(jid)) {
            return reject(RejectionReason.WRONG_JID, "statement binds " + st.get().jid + ", not " + jid);
        }
        if (!st.get().key.equals(expected)) {
            return reject(RejectionReason.WRONG_KEY, "statement binds " + st.get().key + ", not " + expected);
        }
        PGPSignature sig;
        try {
            sig = parseSignature(signature);
        } catch (IOException | PGPException | RuntimeException e) {
            return reject(RejectionReason.MALFORMED, "signature: " + e.getMessage());
        }
        if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
            return reject(RejectionReason.MALFORMED, "signature type " + sig.getSignatureType() + " is not binary");
        }
        if (!ACCEPTED_HASHES.contains(sig.getHashAlgorithm())) {
            return reject(RejectionReason.WEAK_ALGORITHM, "hash algorithm " + sig.getHashAlgorithm());
        }
        try {
            return check(statement, sig, jid, expected, keyring, now);
        } catch (PGPException | RuntimeException e) {
            return reject(RejectionReason.BAD_SIGNATURE, "signature does not verify: " + e.getMessage());
        }
    }

    private static CertificationResult check(byte[] statement, PGPSignature sig, BareJid jid,
            AccountPublicKey key, PGPPublicKeyRingCollection keyring, Instant now) throws PGPException {
        PGPPublicKey signer = findSigner(keyring, sig);
        if (signer == null) {
            return reject(RejectionReason.NOT_IN_KEYRING, "signing key " + Long.toHexString(sig.getKeyID())
                    + " is not in the keyring");
        }
        PGPPublicKeyRing ring = keyring.getPublicKeyRing(signer.getKeyID());
        PGPPublicKey primary = ring.getPublicKey();
        OpenPgpKeyCheck.Outcome keyCheck = OpenPgpKeyCheck.primary(primary, USER_ID_PREFIX, jid, now,
                signer == primary);
        if (keyCheck.rejection != null) {
            return reject(keyCheck.rejection, keyCheck.detail);
        }
        Instant notAfter = keyCheck.notAfter;
        if (signer != primary) {
            OpenPgpKeyCheck.Outcome sub = OpenPgpKeyCheck.signingSubkey(primary, signer, now);
            if (sub.rejection != null) {
                return reject(sub.rejection, sub.detail);
            }
            notAfter = earlier(notAfter, sub.notAfter);
        }
        Instant created = sig.getCreationTime().toInstant();
        if (created.isAfter(now)) {
            return reject(RejectionReason.NOT_YET_VALID, "signature made in the future: " + created);
        }
        if (created.isBefore(signer.getCreationTime().toInstant())) {
            return reject(RejectionReason.BAD_SIGNATURE, "signature older than its key");
        }
        long expiresIn = sig.getHashedSubPackets() == null ? 0 : sig.getHashedSubPackets().getSignatureExpirationTime();
        if (expiresIn > 0) {
            Instant sigEnd = created.plusSeconds(expiresIn);
            if (!now.isBefore(sigEnd)) {
                return reject(RejectionReason.EXPIRED, "binding signature expired at " + sigEnd);
            }
            notAfter = earlier(notAfter, sigEnd);
        }
        sig.init(new BcPGPContentVerifierBuilderProvider(), signer);
        sig.update(statement);
        if (!sig.verify()) {
            return reject(RejectionReason.BAD_SIGNATURE, "binding signature does not verify");
        }
        if (notAfter == null) {
            notAfter = now.plus(ContactTrust.MAX_CERTIFICATION_AGE);
        }
        return new CertificationResult.Certified(TrustSource.OPENPGP, jid, key, USER_ID_PREFIX + jid,
                HexFormat.of().formatHex(primary.getFingerprint()), notAfter, true);
    }

    /** The key in the keyring whose key id (and fingerprint, when the signature names one) is the issuer's. */
    private static PGPPublicKey findSigner(PGPPublicKeyRingCollection keyring, PGPSignature sig)
            throws PGPException {
        long keyId = sig.getKeyID();
        PGPPublicKey key = keyId == 0 ? null : keyring.getPublicKey(keyId);
        if (key == null) {
            return null;
        }
        IssuerFingerprint fp = sig.getHashedSubPackets() == null ? null
                : sig.getHashedSubPackets().getIssuerFingerprint();
        if (fp != null && !Arrays.equals(fp.getFingerprint(), key.getFingerprint())) {
            return null;
        }
        return key;
    }

    private static PGPSignature parseSignature(byte[] signature) throws IOException, PGPException {
        if (signature == null || signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
            throw new IOException("empty or longer than " + MAX_SIGNATURE_BYTES + " bytes");
        }
        BcPGPObjectFactory factory = new BcPGPObjectFactory(signature);
        Object first = factory.nextObject();
        if (!(first instanceof PGPSignatureList) || ((PGPSignatureList) first).size() != 1) {
            throw new IOException("not exactly one signature packet");
        }
        if (factory.nextObject() != null) {
            throw new IOException("trailing packets");
        }
        return ((PGPSignatureList) first).get(0);
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private static CertificationResult reject(RejectionReason reason, String detail) {
        return new CertificationResult.Rejected(TrustSource.OPENPGP, reason, detail);
    }

    /** A parsed statement: the canonical JID and key it binds. */
    private static final class Statement {
        final BareJid jid;
        final AccountPublicKey key;

        private Statement(BareJid jid, AccountPublicKey key) {
            this.jid = jid;
            this.key = key;
        }

        static Optional<Statement> parse(byte[] s) {
            int min = LABEL.length + 3 + Ed25519.PUBLIC_KEY_LENGTH;
            if (s == null || s.length < min || s.length > MAX_STATEMENT_BYTES
                    || !Arrays.equals(s, 0, LABEL.length, LABEL, 0, LABEL.length)) {
                return Optional.empty();
            }
            int keyAt = s.length - Ed25519.PUBLIC_KEY_LENGTH;
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(s, LABEL.length, keyAt - LABEL.length)).toString();
            } catch (CharacterCodingException e) {
                return Optional.empty();
            }
            Optional<BareJid> jid = BareJid.tryParse(text).filter(j -> j.toString().equals(text));
            return jid.map(j -> new Statement(j, AccountPublicKey.of(Arrays.copyOfRange(s, keyAt, s.length))));
        }
    }
}
