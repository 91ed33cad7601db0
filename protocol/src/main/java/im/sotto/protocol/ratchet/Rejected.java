package im.sotto.protocol.ratchet;

/** Internal control flow for a rejected message; always turned into {@link DecryptResult.Undecryptable}. */
final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    final DecryptResult.Reason reason;

    Rejected(DecryptResult.Reason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }
}
