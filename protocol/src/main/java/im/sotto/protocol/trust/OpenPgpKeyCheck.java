package im.sotto.protocol.trust;

import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * The state of an OpenPGP key at a given time, from signatures that verify only (RFC 4880 section 5.2.3 and 11.1,
 * RFC 9580 section 5.2.3 and 10.1): revocation, the self-certified user id, expiry, signing capability, and for a
 * subkey its binding and the primary-key back-signature. Revocations by designated revokers are not honoured.
 */
final class OpenPgpKeyCheck {
    private static final Set<Integer> CERTIFICATIONS = Set.of(PGPSignature.DEFAULT_CERTIFICATION,
            PGPSignature.NO_CERTIFICATION, PGPSignature.CASUAL_CERTIFICATION, PGPSignature.POSITIVE_CERTIFICATION);

    /** Either a rejection, or the end of validity (null: the key does not expire). */
    static final class Outcome {
        final RejectionReason rejection;
        final String detail;
        final Instant notAfter;

        private Outcome(RejectionReason rejection, String detail, Instant notAfter) {
            this.rejection = rejection;
            this.detail = detail;
            this.notAfter = notAfter;
        }

        static Outcome reject(RejectionReason reason, String detail) {
            return new Outcome(reason, detail, null);
        }

        static Outcome valid(Instant notAfter) {
            return new Outcome(null, null, notAfter);
        }
    }

    private OpenPgpKeyCheck() {}

    static Outcome primary(PGPPublicKey primary, String userIdPrefix, BareJid jid, Instant now, boolean signs)
            throws PGPException {
        if (hasValidRevocation(primary, primary, PGPSignature.KEY_REVOCATION, null)) {
            return Outcome.reject(RejectionReason.REVOKED_KEY, "primary key is revoked");
        }
        PGPSignature selfCert = null;
        for (Iterator<String> ids = primary.getUserIDs(); ids.hasNext(); ) {
            String id = ids.next();
            if (!id.startsWith(userIdPrefix)
                    || !BareJid.tryParse(id.substring(userIdPrefix.length())).filter(jid::equals).isPresent()) {
                continue;
            }
            PGPSignature cert = latestSelfCertification(primary, id, now);
            if (cert != null && !userIdRevoked(primary, id, cert)) {
                selfCert = cert;
                break;
            }
        }
        if (selfCert == null) {
            return Outcome.reject(RejectionReason.WRONG_JID, "no valid self-certified user id " + userIdPrefix + jid);
        }
        if (primary.getCreationTime().toInstant().isAfter(now)) {
            return Outcome.reject(RejectionReason.NOT_YET_VALID, "key created in the future");
        }
        Instant expiry = expiry(primary, selfCert.getHashedSubPackets());
        if (expiry != null && !now.isBefore(expiry)) {
            return Outcome.reject(RejectionReason.EXPIRED_KEY, "primary key expired at " + expiry);
        }
        if (signs && !maySign(selfCert.getHashedSubPackets())) {
            return Outcome.reject(RejectionReason.BAD_SIGNATURE, "primary key is not certified for signing");
        }
        return Outcome.valid(expiry);
    }

    static Outcome signingSubkey(PGPPublicKey primary, PGPPublicKey subkey, Instant now) throws PGPException {
        PGPSignature binding = null;
        for (Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
            PGPSignature s = it.next();
            if (s.getKeyID() == primary.getKeyID() && !s.getCreationTime().toInstant().isAfter(now)
                    && verifies(s, primary, primary, subkey)
                    && (binding == null || s.getCreationTime().after(binding.getCreationTime()))) {
                binding = s;
            }
        }
        if (binding == null) {
            return Outcome.reject(RejectionReason.BAD_SIGNATURE, "subkey is not bound to its primary key");
        }
        if (hasValidRevocation(subkey, primary, PGPSignature.SUBKEY_REVOCATION, subkey)) {
            return Outcome.reject(RejectionReason.REVOKED_KEY, "signing subkey is revoked");
        }
        if (!maySign(binding.getHashedSubPackets()) || !hasBackSignature(binding, primary, subkey)) {
            return Outcome.reject(RejectionReason.BAD_SIGNATURE, "subkey is not a certified signing subkey");
        }
        Instant expiry = expiry(subkey, binding.getHashedSubPackets());
        if (expiry != null && !now.isBefore(expiry)) {
            return Outcome.reject(RejectionReason.EXPIRED_KEY, "signing subkey expired at " + expiry);
        }
        return Outcome.valid(expiry);
    }

    private static PGPSignature latestSelfCertification(PGPPublicKey primary, String id, Instant now)
            throws PGPException {
        PGPSignature latest = null;
        for (Iterator<PGPSignature> it = primary.getSignaturesForID(id); it != null && it.hasNext(); ) {
            PGPSignature s = it.next();
            if (!CERTIFICATIONS.contains(s.getSignatureType()) || s.getKeyID() != primary.getKeyID()
                    || s.getCreationTime().toInstant().isAfter(now) || signatureExpired(s, now)) {
                continue;
            }
            s.init(new BcPGPContentVerifierBuilderProvider(), primary);
            if (s.verifyCertification(id, primary)
                    && (latest == null || s.getCreationTime().after(latest.getCreationTime()))) {
                latest = s;
            }
        }
        return latest;
    }

    private static boolean userIdRevoked(PGPPublicKey primary, String id, PGPSignature cert) throws PGPException {
        for (Iterator<PGPSignature> it = primary.getSignaturesForID(id); it.hasNext(); ) {
            PGPSignature s = it.next();
            if (s.getSignatureType() == PGPSignature.CERTIFICATION_REVOCATION && s.getKeyID() == primary.getKeyID()
                    && !s.getCreationTime().before(cert.getCreationTime())) {
                s.init(new BcPGPContentVerifierBuilderProvider(), primary);
                if (s.verifyCertification(id, primary)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasValidRevocation(PGPPublicKey key, PGPPublicKey primary, int type, PGPPublicKey subkey)
            throws PGPException {
        for (Iterator<PGPSignature> it = key.getSignaturesOfType(type); it.hasNext(); ) {
            PGPSignature s = it.next();
            if (s.getKeyID() == primary.getKeyID() && verifies(s, primary, primary, subkey)) {
                return true;
            }
        }
        return false;
    }

    /** Verifies a key signature: over the primary alone, or over primary and subkey. */
    private static boolean verifies(PGPSignature s, PGPPublicKey signer, PGPPublicKey primary, PGPPublicKey subkey)
            throws PGPException {
        s.init(new BcPGPContentVerifierBuilderProvider(), signer);
        return subkey == null ? s.verifyCertification(primary) : s.verifyCertification(primary, subkey);
    }

    /** A signing subkey's binding must embed a primary-key binding signature made by the subkey itself. */
    private static boolean hasBackSignature(PGPSignature binding, PGPPublicKey primary, PGPPublicKey subkey)
            throws PGPException {
        PGPSignatureList embedded = binding.getHashedSubPackets().getEmbeddedSignatures();
        for (int i = 0; embedded != null && i < embedded.size(); i++) {
            PGPSignature back = embedded.get(i);
            if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING && verifies(back, subkey, primary, subkey)) {
                return true;
            }
        }
        return false;
    }

    private static boolean maySign(PGPSignatureSubpacketVector hashed) {
        int flags = hashed == null ? 0 : hashed.getKeyFlags();
        return flags == 0 || (flags & KeyFlags.SIGN_DATA) != 0;
    }

    private static Instant expiry(PGPPublicKey key, PGPSignatureSubpacketVector hashed) {
        long seconds = hashed == null ? 0 : hashed.getKeyExpirationTime();
        return seconds <= 0 ? null : key.getCreationTime().toInstant().plusSeconds(seconds);
    }

    private static boolean signatureExpired(PGPSignature s, Instant now) {
        long seconds = s.getHashedSubPackets() == null ? 0 : s.getHashedSubPackets().getSignatureExpirationTime();
        return seconds > 0 && !now.isBefore(s.getCreationTime().toInstant().plusSeconds(seconds));
    }
}
