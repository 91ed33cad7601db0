package im.sotto.xmpp.it;

/** The real servers every integration test runs against. */
public enum ServerKind {
    PROSODY,
    EJABBERD
}
