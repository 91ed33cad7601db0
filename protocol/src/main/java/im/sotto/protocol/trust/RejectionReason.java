package im.sotto.protocol.trust;

/**
 * Why an X.509 certificate or an OpenPGP binding did not certify an account key. A rejection never changes trust;
 * the reason is for the user (and the binding's events).
 */
public enum RejectionReason {
    /** The input did not parse, strictly: not DER, trailing bytes, too long, an unexpected packet. */
    MALFORMED,
    /** The certificate (X.509) or the binding signature (OpenPGP) is past its validity. */
    EXPIRED,
    /** The certificate or the key is not valid yet. */
    NOT_YET_VALID,
    /** The certified JID (id-on-xmppAddr, or the statement and user id) is not the contact's. */
    WRONG_JID,
    /** The certified key is not the contact's account key (or not an Ed25519 key at all). */
    WRONG_KEY,
    /** X.509: the chain does not lead to any trust anchor the user configured (or none is configured). */
    UNTRUSTED_ANCHOR,
    /** X.509: a certificate of the path is listed in a CRL the user supplied. */
    REVOKED,
    /** X.509: CRLs were supplied but none covers some certificate of the path (no network lookups are made). */
    REVOCATION_UNKNOWN,
    /** X.509: the path is invalid for another reason (not a CA, path length, key usage, critical extension). */
    INVALID_PATH,
    /** A signature does not verify (certificate, or OpenPGP binding, or a subkey's binding to its primary key). */
    BAD_SIGNATURE,
    /** OpenPGP: the signing key is expired. */
    EXPIRED_KEY,
    /** OpenPGP: the signing key (primary or subkey) is revoked. */
    REVOKED_KEY,
    /** OpenPGP: the signature was made by a key that is not in the user's keyring. */
    NOT_IN_KEYRING,
    /** OpenPGP: the signature uses a hash Sotto does not accept (anything weaker than SHA-256). */
    WEAK_ALGORITHM
}
