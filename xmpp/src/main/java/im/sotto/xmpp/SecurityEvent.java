package im.sotto.xmpp;

import java.util.Objects;
import java.util.Optional;

import im.sotto.protocol.identity.Fingerprint;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/** Something the user should know about the security of a conversation. Nothing Sotto drops goes unreported. */
public sealed interface SecurityEvent {

    /** Why an incoming encrypted stanza was not delivered. */
    enum UndecryptableReason {
        /** We hold no session with the sending account (a new session is started, rate-limited). */
        NO_SESSION,
        /** Already delivered once (offline storage and a resend, a replay): dropped before any state change. */
        DUPLICATE,
        /** We hold sessions with the sender but none opens it: the session is broken and heals by a new handshake. */
        BROKEN_SESSION,
        /** It opened under a session whose account key differs from the one pinned for the sender. */
        UNTRUSTED_SENDER,
        /** It carried only ciphertexts for the sender's other sessions, addressed to other devices of ours. */
        NOT_FOR_THIS_DEVICE,
        /** It failed authentication or its envelope disagrees with the outer stanza: altered or redirected. */
        TAMPERED,
        /** The Sotto element itself is not well formed; the stanza was dropped, the connection kept. */
        MALFORMED
    }

    /** Why a stanza the user asked to send encrypted was not sent. It was never sent in plaintext. */
    enum SendFailure {
        /** The peer publishes no Sotto device and no online resource of it advertises Sotto. */
        PEER_HAS_NO_SOTTO,
        /** The online handshake got no answer (or a broken one) after every retry. */
        NEGOTIATION_FAILED,
        /** The peer's account key changed; sending is held until the user accepts the new key. */
        KEY_CHANGED,
        /** The stanza cannot be carried: broadcast presence, no recipient, too large. */
        UNSUPPORTED_STANZA,
        /** The connection or the server failed while sending. */
        CONNECTION
    }

    BareJid peer();

    record UndecryptableStanza(BareJid peer, Jid from, String stanzaId, UndecryptableReason reason, String detail)
            implements SecurityEvent {
        public UndecryptableStanza {
            Objects.requireNonNull(reason, "reason");
        }
    }

    record SessionEstablished(BareJid peer, long deviceId, SessionOrigin origin, Optional<String> sas)
            implements SecurityEvent {
    }

    /** A broken session was replaced by a new one started for that purpose. */
    record SessionHealed(BareJid peer, long deviceId) implements SecurityEvent {
    }

    /**
     * A peer that used Sotto before now looks as if it cannot: its disco lacks the feature or its bundles are gone.
     * This is what capability stripping looks like; Sotto does not downgrade.
     */
    record CapabilityMissing(BareJid peer, String detail) implements SecurityEvent {
    }

    record SendFailed(BareJid peer, String stanzaId, SendFailure reason, String detail) implements SecurityEvent {
        public SendFailed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A known contact presented another account key. Sending to it is held until {@link SottoManager#acceptNewKey}. */
    record KeyChanged(BareJid peer, Fingerprint pinned, Fingerprint presented) implements SecurityEvent {
    }

    /** This device's bundle or device list could not be published; peers cannot start offline sessions with it. */
    record PublishFailed(BareJid peer, String diagnosis) implements SecurityEvent {
    }
}
