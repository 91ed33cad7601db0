package im.sotto.xmpp;

import java.util.Optional;

/** Reads an {@link OnlineHandshakes.Step} in tests: the message to send back, the session, the failure. */
final class HandshakeSteps {
    private HandshakeSteps() {
    }

    /** The handshake message the step sends back (a reply, or the last message of an established session). */
    static Optional<byte[]> reply(OnlineHandshakes.Step step) {
        if (step instanceof OnlineHandshakes.Reply r) {
            return Optional.of(r.message());
        }
        return step instanceof OnlineHandshakes.Established e ? e.reply() : Optional.empty();
    }

    static Optional<OnlineHandshakes.NewSession> established(OnlineHandshakes.Step step) {
        return step instanceof OnlineHandshakes.Established e ? Optional.of(e.session()) : Optional.empty();
    }

    static Optional<OnlineHandshakes.Failed> failed(OnlineHandshakes.Step step) {
        return step instanceof OnlineHandshakes.Failed f ? Optional.of(f) : Optional.empty();
    }
}
