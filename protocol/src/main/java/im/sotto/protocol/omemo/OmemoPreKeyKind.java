package im.sotto.protocol.omemo;

/** The two kinds of private prekey records this device keeps. */
public enum OmemoPreKeyKind {
    SIGNED,
    ONE_TIME
}
