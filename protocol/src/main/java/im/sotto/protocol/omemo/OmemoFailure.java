package im.sotto.protocol.omemo;

/**
 * Why an OMEMO operation was refused. Every refusal leaves the stores exactly as they were; the caller reports the
 * reason (and, for received messages, the sender) and may act on it: rebuild a session, fetch a bundle, ask the user.
 */
public enum OmemoFailure {
    /** The bytes are not a well-formed Signal message, bundle or OMEMO element (truncated, oversized, bad field). */
    MALFORMED,
    /** A Signal message whose version byte is not 3 (OMEMO 0.3 uses Signal protocol version 3 only). */
    UNSUPPORTED_VERSION,
    /** A Curve25519 public key without the 0x05 type byte, of the wrong length, or giving an all-zero agreement. */
    INVALID_PUBLIC_KEY,
    /** A bundle whose signed prekey signature does not verify under its identity key, or that has no prekeys. */
    INVALID_BUNDLE,
    /** No session with that device: build one from its bundle first. */
    NO_SESSION,
    /** The message matched no session state: its MAC does not verify under any key we could derive. */
    BAD_MAC,
    /** A message whose key was already used: a replay or a redelivery. */
    DUPLICATE,
    /** The message counter is more than {@link OmemoLimits#MAX_SKIP} ahead of the chain: refused, nothing derived. */
    TOO_FAR_AHEAD,
    /** A prekey message naming a signed prekey this device does not hold (any more). */
    UNKNOWN_SIGNED_PREKEY,
    /** A prekey message naming a one-time prekey this device does not hold: already used, or never ours. */
    UNKNOWN_ONE_TIME_PREKEY,
    /** The trust policy refused the sender's identity key. */
    UNTRUSTED_IDENTITY,
    /** The Signal message authenticated but its AES-CBC body did not decrypt (bad padding): a broken sender. */
    BAD_CIPHERTEXT,
    /** The decrypted key material is not 16 (older clients) or 32 bytes (key and GCM tag). */
    BAD_KEY_MATERIAL,
    /** The OMEMO payload failed AES-GCM authentication under the transported key. */
    PAYLOAD_AUTHENTICATION_FAILED,
    /** The OMEMO message carries no key for this device. */
    NOT_FOR_THIS_DEVICE,
    /** OMEMO 2: the decrypted payload is not a well-formed SCE envelope (XEP-0420). */
    ENVELOPE_MALFORMED,
    /** OMEMO 2: the envelope's affixes do not fit the stanza (missing padding, another recipient or sender). */
    ENVELOPE_MISMATCH
}
