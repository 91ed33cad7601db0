package im.sotto.protocol.omemo2;

import im.sotto.protocol.store.SessionAddress;

/**
 * The caller's trust decision about a peer device's OMEMO 2 identity key, asked before a session with it is stored
 * (built from its bundle, or started by its key exchange). Refusing leaves every store unchanged and reports
 * {@code UNTRUSTED_IDENTITY}.
 */
@FunctionalInterface
public interface Omemo2Trust {
    /** Blind trust, as OMEMO clients do before the user verifies a fingerprint. */
    Omemo2Trust BLIND = (address, identityKey) -> true;

    boolean trusts(SessionAddress address, Omemo2IdentityKey identityKey);
}
