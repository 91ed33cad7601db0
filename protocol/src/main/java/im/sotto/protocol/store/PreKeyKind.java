package im.sotto.protocol.store;

/** The two kinds of prekeys a device publishes; each has its own id space. */
public enum PreKeyKind {
    SIGNED,
    ONE_TIME
}
