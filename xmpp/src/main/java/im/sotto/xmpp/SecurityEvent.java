package im.sotto.xmpp;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import im.sotto.protocol.identity.Fingerprint;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.TrustSource;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/** Something the user should know about the security of a conversation. Nothing Sotto drops goes unreported. */
public sealed interface SecurityEvent {

    BareJid peer();

    record UndecryptableStanza(BareJid peer, Jid from, String stanzaId, UndecryptableReason reason, String detail)
            implements SecurityEvent {
        public UndecryptableStanza {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A new session with one of the peer's devices.
     *
     * @param continuity for an online handshake, what its retained-secret check found (docs/protocol.md 4.11);
     *     empty for offline sessions
     * @param passwordChecked whether the handshake also proved the password agreed with the contact (CPace,
     *     docs/protocol.md 4.12); false without a password and for offline sessions
     */
    record SessionEstablished(BareJid peer, long deviceId, SessionOrigin origin, Optional<String> sas,
            Optional<Continuity> continuity, boolean passwordChecked) implements SecurityEvent {
        /** The form before continuity was reported: no continuity known, no password. */
        public SessionEstablished(BareJid peer, long deviceId, SessionOrigin origin, Optional<String> sas) {
            this(peer, deviceId, origin, sas, Optional.empty(), false);
        }

        /** The form before passwords were reported: no password. */
        public SessionEstablished(BareJid peer, long deviceId, SessionOrigin origin, Optional<String> sas,
                Optional<Continuity> continuity) {
            this(peer, deviceId, origin, sas, continuity, false);
        }
    }

    /**
     * A handshake with {@code deviceId} of {@code peer} completed under that device's own keys, but the peer proved
     * none of the secrets retained from earlier sessions with it: someone holding the device's stolen keys without
     * its history, or the peer restored an old backup. The session is made (and the stanzas it carries say
     * {@link Continuity#BROKEN}); the old secrets are kept, so a man in the middle does not become the continuity.
     * Compare the SAS with the peer over another channel.
     */
    record ContinuityBroken(BareJid peer, long deviceId) implements SecurityEvent {
    }

    /**
     * This device answered a known-peer (IK) handshake from {@code from}, and the initiator never proved it took part
     * (no ratchet message under the new session arrived in its whole retry budget): a replayed message 1 (a server
     * that recorded one), or an initiator that went away. Nothing was committed: no session replaced, no continuity
     * verdict, no trust change (docs/protocol.md 4.6).
     */
    record HandshakeUnconfirmed(BareJid peer, Jid from) implements SecurityEvent {
    }

    /**
     * The ratchet proves messages from one of the peer's devices missing: a later one arrived first. They were
     * deleted on the way or are late; one that still arrives is delivered and reported as {@link ArrivedLate}.
     * Sequence numbers count that device's messages in the session, from 0.
     */
    record MessagesMissing(BareJid peer, long deviceId, List<SequenceRange> ranges) implements SecurityEvent {
        public MessagesMissing {
            ranges = List.copyOf(ranges);
        }
    }

    /** A message reported missing arrived after later ones (reordered or delayed) and was delivered once. */
    record ArrivedLate(BareJid peer, long deviceId, long sequence) implements SecurityEvent {
    }

    /**
     * Our messages in {@code range} (our sequence numbers in that session, from 0) were not acknowledged: the peer's
     * newest message acknowledges fewer of ours than we sent longer than {@link im.sotto.protocol.session.LossReport#UNACKNOWLEDGED_AFTER} ago
     * (they did not reach it), or a new session with that device replaced one in which the peer had acknowledged
     * none of them (a deleted first message or handshake; they may also have arrived unanswered). The stanzas went
     * out encrypted; resending them is the application's choice.
     */
    record NotAcknowledged(BareJid peer, long deviceId, SequenceRange range) implements SecurityEvent {
    }

    /**
     * A session made from a bundle published for the peer before its account key was known (a first contact) used
     * prekeys that account never signed: the server substituted keys, so what was sent in that session (its first
     * message at least) was readable by the attacker and never reached the peer. The session is deleted; nothing
     * more is encrypted to it.
     */
    record BundleSubstituted(BareJid peer, long deviceId) implements SecurityEvent {
    }

    /**
     * Someone keeps failing the password agreed with this contact (CPace, docs/protocol.md 4.12): {@code failures}
     * password handshakes in a row did not prove it, which is more than typos. Until {@code refusedUntil} password
     * handshakes with the contact are refused without running CPace, so each wrong guess costs a growing wait
     * ({@link im.sotto.protocol.pake.PasswordAttempts}). Reported after every
     * {@link im.sotto.protocol.pake.PasswordAttempts#ALERT_EVERY} failures in a row.
     */
    record PasswordGuessing(BareJid peer, int failures, Instant refusedUntil) implements SecurityEvent {
        public PasswordGuessing {
            Objects.requireNonNull(refusedUntil, "refusedUntil");
        }
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

    /**
     * A stanza was not sent now. If {@code stillQueued}, the failure may pass (a handshake deleted on the way, a
     * known peer's Sotto hidden): the stanza stays in the store's queue and is tried again with the next stanza to
     * that peer, the next login or a renewed session; otherwise it was dropped.
     */
    record SendFailed(BareJid peer, String stanzaId, SendFailure reason, String detail, boolean stillQueued)
            implements SecurityEvent {
        public SendFailed {
            Objects.requireNonNull(reason, "reason");
        }

        /** A failure that dropped the stanza. */
        public SendFailed(BareJid peer, String stanzaId, SendFailure reason, String detail) {
            this(peer, stanzaId, reason, detail, false);
        }
    }

    /**
     * A known contact presented another account key (like SSH's changed host key). Sending to it is held until
     * {@link SottoManager#acceptNewKey}; the old key stays pinned meanwhile.
     */
    record KeyChanged(BareJid peer, Fingerprint pinned, Fingerprint presented) implements SecurityEvent {
    }

    /**
     * A device certified by the verified (or certified) contact's account key appeared. What it sends is delivered,
     * but nothing is sent to it until {@link SottoManager#approveDevice}; stanzas for it wait.
     */
    record DeviceNeedsApproval(BareJid peer, long deviceId) implements SecurityEvent {
    }

    /**
     * The account revoked one of its devices (a statement its account key signed, docs/protocol.md 7.7): its session
     * is deleted and nothing is encrypted to it again, whatever the server's device list says later. Reported once.
     */
    record DeviceRevoked(BareJid peer, long deviceId, Instant revokedAt) implements SecurityEvent {
    }

    /**
     * A revocation list published for the account was refused ({@code kind}): not signed by the account key pinned
     * for it (a server or anyone else forging one), or malformed. Nothing changed.
     */
    record RevocationRefused(BareJid peer, im.sotto.protocol.device.DeviceStatementException.Kind kind, String detail)
            implements SecurityEvent {
    }

    /**
     * A device of the account was not heard from since {@code lastHeard}, longer than the staleness period: nothing is
     * encrypted to it until it sends again. Reported once each time it goes stale.
     */
    record DeviceStale(BareJid peer, long deviceId, Instant lastHeard) implements SecurityEvent {
    }

    /**
     * A device the account lists (linked after our sessions with the account were made) got nothing of what this
     * device sent: never in plaintext, only not at all, for {@code reason}. Reported once per device per run.
     */
    record DeviceNotReached(BareJid peer, long deviceId, NotReachedReason reason) implements SecurityEvent {
    }

    /**
     * The contact's account key is now {@code CERTIFIED}: an X.509 certificate or an OpenPGP binding it attached to
     * a handshake checked out against the anchors or keyring this account configured
     * ({@link im.sotto.protocol.session.ExternalTrust}).
     */
    record Certified(BareJid peer, TrustSource method, String subject, String issuer, Instant validUntil)
            implements SecurityEvent {
    }

    /**
     * The certification the contact attached did not check out; trust is not raised. {@code reason} says why (an
     * untrusted anchor, a wrong JID or key, expiry, revocation...), {@code detail} for the user.
     */
    record CertificationRejected(BareJid peer, TrustSource method, RejectionReason reason, String detail)
            implements SecurityEvent {
        public CertificationRejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** This device's bundle or device list could not be published; peers cannot start offline sessions with it. */
    record PublishFailed(BareJid peer, String diagnosis) implements SecurityEvent {
    }

    /**
     * An OMEMO 0.3 message that was not delivered (docs/protocol.md §10), with the OMEMO core's typed reason (a
     * duplicate, an unknown prekey, a refused identity key, a malformed element...). Nothing was stored.
     */
    record OmemoUndecryptable(BareJid peer, Jid from, String stanzaId, long deviceId,
            im.sotto.protocol.omemo.OmemoFailure reason, String detail) implements SecurityEvent {
        public OmemoUndecryptable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A message arrived WITHOUT end-to-end encryption: the servers on its way could read and change it, and anyone
     * can claim any sender in it. Reported so that the user learns someone wrote; it is never presented as encrypted,
     * has no trust level, and changes no session or trust state. {@code stranger}: the sender is neither in the
     * roster nor known to Sotto (no trust record, no session).
     */
    record UnencryptedMessage(BareJid peer, Jid from, String stanzaId, String body, boolean stranger)
            implements SecurityEvent {
        public UnencryptedMessage {
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Stickiness: a contact this account knows as a Sotto user now shows only OMEMO devices. It is not moved to
     * OMEMO silently (a relay that strips Sotto's elements would look the same): nothing was sent to its OMEMO
     * devices; the message waits on the Sotto path.
     */
    record OmemoDowngradeRefused(BareJid peer, String stanzaId, int omemoDevices) implements SecurityEvent {
    }

    /**
     * OMEMO devices of one account (a contact with a verified OMEMO device, or our own) that appeared (a new client,
     * or a client whose OMEMO identity was made anew: a new key under a new device id) and await the user's approval:
     * the message {@code stanzaId} was not encrypted to them (docs/protocol.md 10.14). One event per account and
     * send, naming every such device, since each message misses all of them. {@code version} names the OMEMO version
     * ({@code "OMEMO"}, {@code "OMEMO 2"}).
     */
    record OmemoDevicesNotApproved(BareJid peer, List<UnapprovedOmemoDevice> devices, String stanzaId,
            String version) implements SecurityEvent {
        public OmemoDevicesNotApproved {
            devices = List.copyOf(devices);
            if (devices.isEmpty()) {
                throw new IllegalArgumentException("names at least one device");
            }
            Objects.requireNonNull(version, "version");
        }

        /** The device {@code deviceId}, if this message missed it. */
        public Optional<UnapprovedOmemoDevice> device(long deviceId) {
            return devices.stream().filter(d -> d.deviceId() == deviceId).findFirst();
        }
    }

    /**
     * A message shaped like a carbon copy (XEP-0280) that this account's server did not make: its wrapper does not
     * come from our own bare JID. Such a copy would let anyone put words in the user's mouth ({@code sent}) or in a
     * contact's ({@code received}); it is ignored, as XEP-0280's security considerations require, and reported.
     * {@code peer} is the wrapper's sender (null without one).
     */
    record ForgedCarbon(BareJid peer, Jid from, String stanzaId, boolean sent) implements SecurityEvent {
    }

    /**
     * A message encrypted with another scheme ({@code scheme}: OMEMO, OpenPGP, OTR) that Sotto cannot read and no
     * {@link IncomingHandler} claimed. Reported so that the user learns someone wrote; it changes no state.
     * {@code stranger} as in {@link UnencryptedMessage}.
     */
    record ForeignEncryption(BareJid peer, Jid from, String stanzaId, ForeignScheme scheme, boolean stranger)
            implements SecurityEvent {
        public ForeignEncryption {
            Objects.requireNonNull(scheme, "scheme");
        }
    }

    /**
     * An encrypted iq answer carried the id of a request waiting for its answer but is not that answer (another
     * contact answering, a stranger's garbage aimed at the id): ignored, the request keeps waiting for its addressee.
     */
    record IqAnswerIgnored(BareJid peer, Jid from, String stanzaId, IqAnswerProblem problem) implements SecurityEvent {
        public IqAnswerIgnored {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /** Sotto refused a session (or a stanza that would start or heal one) with {@code from}; nothing was sent. */
    record SessionRefused(BareJid peer, Jid from, RefusalReason reason, String detail) implements SecurityEvent {
        public SessionRefused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
