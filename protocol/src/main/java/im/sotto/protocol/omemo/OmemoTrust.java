package im.sotto.protocol.omemo;

import im.sotto.protocol.store.SessionAddress;

/**
 * The caller's trust decision about a peer device's identity key, asked before a session with it is stored (when we
 * build one from its bundle, and when its prekey message starts one). Refusing leaves every store unchanged and
 * reports {@link OmemoFailure#UNTRUSTED_IDENTITY}.
 */
@FunctionalInterface
public interface OmemoTrust {
    /** Blind trust, as OMEMO clients do before the user verifies a fingerprint. */
    OmemoTrust BLIND = (address, identityKey) -> true;

    boolean trusts(SessionAddress address, OmemoIdentityKey identityKey);
}
