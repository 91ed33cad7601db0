package im.sotto.cli;

import java.time.Instant;
import java.util.Objects;

import org.jxmpp.jid.BareJid;

/** A contact asked to see our presence, or answered our request: the user decides, nothing happens silently. */
record SubscriptionEvent(Kind kind, BareJid from, Instant at) {
    /** What the contact did; {@link #eventName()} is the {@code listen} event. */
    enum Kind {
        /** Asks to see our presence: answer with sotto contacts accept or deny. */
        REQUEST("subscription-request"),
        /** Withdrew its request, or stopped seeing our presence. */
        WITHDRAWN("subscription-withdrawn"),
        /** Accepted our request: we see its presence. */
        ACCEPTED("subscription-accepted"),
        /** Denied our request, or revoked it: we no longer see its presence. */
        DENIED("subscription-denied");

        private final String eventName;

        Kind(String eventName) {
            this.eventName = eventName;
        }

        String eventName() {
            return eventName;
        }
    }

    SubscriptionEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(at, "at");
    }
}
