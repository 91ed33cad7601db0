package im.sotto.cli;

import im.sotto.xmpp.TrustLevel;

/**
 * How a trust level reads on the screen. One place, so a change of the binding's trust model changes one method.
 */
final class TrustDisplay {
    private TrustDisplay() {
    }

    static String of(TrustLevel level) {
        return level.name();
    }
}
