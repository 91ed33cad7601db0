package im.sotto.cli;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;

/** One line per event: readable text, or one JSON object per line with {@code --json}. */
final class EventPrinter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final boolean json;

    EventPrinter(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    static Map<String, Object> describe(DecryptedStanza stanza) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (stanza.stanza() instanceof Message m) {
            e.put("event", "message");
            e.put("body", m.getBody());
        } else if (stanza.stanza() instanceof Presence p) {
            e.put("event", "presence");
            e.put("mode", p.getMode().toString());
            e.put("status", p.getStatus());
        } else {
            e.put("event", "iq");
            e.put("xml", stanza.stanza().toXML().toString());
        }
        e.put("from", String.valueOf(stanza.stanza().getFrom()));
        if (yours(stanza)) {
            e.put("yours", true);
            e.put("to", stanza.peer().toString());
        }
        e.put("device", stanza.deviceId());
        e.put("trust", TrustNames.of(stanza));
        e.put("deviceApproved", stanza.deviceApproved());
        e.put("origin", stanza.origin().toString());
        stanza.sas().ifPresent(s -> e.put("sas", s));
        stanza.continuity().ifPresent(c -> e.put("continuity", c.toString()));
        e.put("sentAt", stanza.sentAt().toString());
        return e;
    }

    /** A message of ours that a receipt confirmed, or that the loss detection or a refusal marked. */
    static Map<String, Object> describe(org.jxmpp.jid.BareJid peer, HistoryLine line) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", switch (line.mark()) {
            case DELIVERED -> "delivered";
            case NOT_DELIVERED -> "not-delivered";
            case NOT_SENT -> "not-sent";
            case NONE, READ -> "sent";
        });
        e.put("peer", peer.toString());
        e.put("id", line.id());
        return e;
    }

    /**
     * A message to the peer that the peer did not send: a copy of what another device of this account sent (Sotto's
     * own-device copies, {@code OwnDevices}; OMEMO carbons, {@code OmemoBinding}), shown as the user's own; or a note
     * to self (from our account to our account).
     */
    static boolean yours(DecryptedStanza stanza) {
        org.jxmpp.jid.Jid from = stanza.stanza().getFrom();
        org.jxmpp.jid.Jid to = stanza.stanza().getTo();
        return from != null && to != null && (from.asBareJid().equals(to.asBareJid())
                || !from.asBareJid().equals(stanza.peer()) && to.asBareJid().equals(stanza.peer()));
    }

    static Map<String, Object> describe(SecurityEvent event) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("peer", String.valueOf(event.peer()));
        if (event instanceof SecurityEvent.UndecryptableStanza u) {
            e.put("event", "undecryptable");
            e.put("reason", u.reason().toString());
            // A stanza Smack could not parse at all comes without its sender.
            e.put("from", u.from() == null ? null : u.from().toString());
            e.put("detail", u.detail());
        } else if (event instanceof SecurityEvent.SessionEstablished s) {
            e.put("event", "session");
            e.put("device", s.deviceId());
            e.put("origin", s.origin().toString());
            s.sas().ifPresent(sas -> e.put("sas", sas));
            s.continuity().ifPresent(c -> e.put("continuity", c.toString()));
            e.put("password", s.passwordChecked() ? "checked" : "none");
        } else if (event instanceof SecurityEvent.ContinuityBroken b) {
            e.put("event", "continuity-broken");
            e.put("device", b.deviceId());
        } else if (event instanceof SecurityEvent.HandshakeUnconfirmed u) {
            e.put("event", "handshake-unconfirmed");
            e.put("from", u.from().toString());
        } else if (event instanceof SecurityEvent.DeviceNeedsApproval d) {
            e.put("event", "device-needs-approval");
            e.put("device", d.deviceId());
        } else if (event instanceof SecurityEvent.DeviceRevoked r) {
            e.put("event", "device-revoked");
            e.put("device", r.deviceId());
            e.put("revokedAt", r.revokedAt().toString());
        } else if (event instanceof SecurityEvent.RevocationRefused r) {
            e.put("event", "revocation-refused");
            e.put("reason", r.kind().toString());
            e.put("detail", r.detail());
        } else if (event instanceof SecurityEvent.DeviceStale d) {
            e.put("event", "device-stale");
            e.put("device", d.deviceId());
            e.put("lastHeard", d.lastHeard().toString());
        } else if (event instanceof SecurityEvent.DeviceNotReached n) {
            e.put("event", "device-not-reached");
            e.put("device", n.deviceId());
            e.put("reason", n.reason().toString());
        } else if (event instanceof SecurityEvent.SessionHealed h) {
            e.put("event", "session-healed");
            e.put("device", h.deviceId());
        } else if (event instanceof SecurityEvent.CapabilityMissing c) {
            e.put("event", "capability-missing");
            e.put("detail", c.detail());
        } else if (event instanceof SecurityEvent.SendFailed f) {
            e.put("event", "send-failed");
            e.put("reason", f.reason().toString());
            e.put("held", f.reason().held());
            e.put("detail", f.detail());
            e.put("still-queued", f.stillQueued());
        } else if (event instanceof SecurityEvent.MessagesMissing m) {
            e.put("event", "messages-missing");
            e.put("device", m.deviceId());
            e.put("detail", m.ranges().toString());
        } else if (event instanceof SecurityEvent.ArrivedLate l) {
            e.put("event", "arrived-late");
            e.put("device", l.deviceId());
            e.put("detail", "message " + l.sequence());
        } else if (event instanceof SecurityEvent.NotAcknowledged n) {
            e.put("event", "not-acknowledged");
            e.put("device", n.deviceId());
            e.put("detail", "our messages " + n.range() + " did not reach the peer");
        } else if (event instanceof SecurityEvent.KeyChanged k) {
            e.put("event", "key-changed");
            e.put("pinned", k.pinned().displayForm());
            e.put("presented", k.presented().displayForm());
        } else if (event instanceof SecurityEvent.Certified c) {
            e.put("event", "certified");
            e.put("method", c.method().toString());
            e.put("subject", c.subject());
            e.put("issuer", c.issuer());
            e.put("validUntil", c.validUntil().toString());
        } else if (event instanceof SecurityEvent.CertificationRejected r) {
            e.put("event", "certification-rejected");
            e.put("method", r.method().toString());
            e.put("reason", r.reason().toString());
            e.put("detail", r.detail());
        } else if (event instanceof SecurityEvent.BundleSubstituted b) {
            e.put("event", "bundle-substituted");
            e.put("device", b.deviceId());
        } else if (event instanceof SecurityEvent.PublishFailed p) {
            e.put("event", "publish-failed");
            e.put("detail", p.diagnosis());
        } else if (event instanceof SecurityEvent.OmemoUndecryptable o) {
            e.put("event", "omemo-undecryptable");
            e.put("from", String.valueOf(o.from()));
            e.put("device", o.deviceId());
            e.put("reason", o.reason().toString());
            e.put("detail", o.detail());
        } else if (event instanceof SecurityEvent.OmemoDowngradeRefused d) {
            e.put("event", "omemo-downgrade-refused");
            e.put("stanzaId", d.stanzaId());
            e.put("omemoDevices", d.omemoDevices());
        } else if (event instanceof SecurityEvent.OmemoDeviceNotApproved n) {
            e.put("event", "omemo-device-not-approved");
            e.put("device", n.deviceId());
            e.put("fingerprint", n.fingerprint());
            e.put("stanzaId", n.stanzaId());
            e.put("version", n.version());
        } else if (event instanceof SecurityEvent.ForgedCarbon f) {
            e.put("event", "forged-carbon");
            e.put("from", f.from() == null ? null : f.from().toString());
            e.put("direction", f.sent() ? "sent" : "received");
            e.put("stanzaId", f.stanzaId());
        } else if (event instanceof SecurityEvent.UnencryptedMessage u) {
            e.put("event", "unencrypted-message");
            e.put("from", u.from() == null ? null : u.from().toString());
            e.put("body", u.body());
            e.put("encrypted", false);
            e.put("stranger", u.stranger());
        } else if (event instanceof SecurityEvent.ForeignEncryption f) {
            e.put("event", "foreign-encryption");
            e.put("from", f.from() == null ? null : f.from().toString());
            e.put("scheme", f.scheme().toString());
            e.put("schemeName", f.scheme().displayName());
            e.put("namespace", f.scheme().namespace());
            e.put("stranger", f.stranger());
            e.put("detail", "Sotto cannot read this");
        } else if (event instanceof SecurityEvent.PasswordGuessing g) {
            e.put("event", "password-guessing");
            e.put("failures", g.failures());
            e.put("refusedUntil", g.refusedUntil().toString());
        } else if (event instanceof SecurityEvent.SessionRefused r) {
            e.put("event", "session-refused");
            e.put("from", String.valueOf(r.from()));
            e.put("reason", r.reason().toString());
            e.put("detail", r.detail());
        } else if (event instanceof SecurityEvent.IqAnswerIgnored i) {
            e.put("event", "iq-answer-ignored");
            e.put("from", String.valueOf(i.from()));
            e.put("reason", i.problem().toString());
            e.put("id", i.stanzaId());
        }
        return e;
    }

    static Map<String, Object> describe(SubscriptionEvent event) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", event.kind().eventName());
        e.put("from", event.from().toString());
        e.put("at", event.at().toString());
        return e;
    }

    /**
     * The trust tag before a message: the level, and what else the reader must know about the sender. It comes first
     * so that nothing the sender wrote stands between the tag and the start of the line.
     */
    /** The sender of a described message as its line names it: the trust tag, then the address. */
    static String sender(Map<String, Object> e) {
        return tag(e) + " " + e.get("from");
    }

    private static String tag(Map<String, Object> e) {
        // OMEMO is a second protocol with weaker guarantees (no identity protection, no SAS): always named.
        return "[" + ("OMEMO".equals(e.get("origin")) ? "OMEMO " : "OMEMO_2".equals(e.get("origin")) ? "OMEMO 2 " : "") + e.get("trust") + (Boolean.FALSE.equals(e.get("deviceApproved")) ? ", device not approved" : "")
                + ("BROKEN".equals(e.get("continuity")) ? ", continuity BROKEN" : "") + "]";
    }

    /** {@code key=value} pairs of an event without a line of its own (one added without updating this class). */
    private static String fields(Map<String, Object> e) {
        StringBuilder line = new StringBuilder();
        e.forEach((key, value) -> {
            if (!"event".equals(key)) {
                line.append(line.length() == 0 ? "" : ", ").append(key).append('=').append(value);
            }
        });
        return line.toString();
    }

    void print(Map<String, Object> event) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(event));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        out.println(text(event));
    }

    /**
     * The event as one line of text. Every value is escaped first ({@link SafeText}): bodies, statuses, iq payloads,
     * resources and details come from the peer or the server and must not end the line or reorder it.
     */
    static String text(Map<String, Object> raw) {
        Map<String, Object> e = new LinkedHashMap<>();
        raw.forEach((key, value) -> e.put(key,
                value == null || value instanceof Boolean || value instanceof Number ? value : SafeText.of(value)));
        String time = LocalTime.now().format(TIME);
        switch (String.valueOf(e.get("event"))) {
            case "message":
                return time + " " + tag(e) + " " + (Boolean.TRUE.equals(e.get("yours")) ? "you (device " + e.get("device")
                        + ", " + e.get("from") + ") to " + e.get("to") : e.get("from")) + ": " + e.get("body");
            case "presence":
                return time + " " + tag(e) + " " + e.get("from") + " is " + e.get("mode")
                        + (e.get("status") == null ? "" : ": " + e.get("status"));
            case "iq":
                return time + " " + e.get("from") + " iq: " + e.get("xml");
            case "undecryptable":
                return time + " ! undecryptable stanza from " + (e.get("from") == null ? "an unknown sender"
                        : e.get("from")) + ": " + e.get("reason") + " ("
                        + e.get("detail") + ")";
            case "omemo-undecryptable":
                return time + " ! undecryptable OMEMO message from " + e.get("from") + " (device " + e.get("device")
                        + "): " + e.get("reason") + (String.valueOf(e.get("detail")).isEmpty() ? ""
                        : " (" + e.get("detail") + ")");
            case "omemo-downgrade-refused":
                return time + " ! " + e.get("peer") + " was a Sotto contact and now shows only OMEMO devices ("
                        + e.get("omemoDevices") + "): NOT sent by OMEMO. Its Sotto may have been stripped by the "
                        + "server; if the contact really left Sotto, verify with them before anything else.";
            case "session":
                return time + " * encrypted session with " + e.get("peer") + " (" + e.get("origin") + ")"
                        + (e.containsKey("sas") ? ", SAS " + e.get("sas") : "")
                        + (e.containsKey("continuity") ? ", continuity " + e.get("continuity") : "")
                        + ("checked".equals(e.get("password")) ? ", password checked" : "");
            case "continuity-broken":
                return time + " ! continuity BROKEN with " + e.get("peer") + " device " + e.get("device")
                        + ": it proved none of the secrets of your earlier sessions (stolen keys, or a restored "
                        + "backup); compare the SAS: sotto verify " + e.get("peer");
            case "handshake-unconfirmed":
                return time + " ! a known-peer handshake from " + e.get("from") + " was answered but never used "
                        + "(a replayed message, or the sender went away); nothing changed";
            case "device-needs-approval":
                return time + " ! " + e.get("peer") + " has a new device " + e.get("device") + " awaiting your "
                        + "approval; nothing is sent to it until: sotto trust " + e.get("peer") + " --device "
                        + e.get("device");
            case "device-revoked":
                return time + " ! " + e.get("peer") + " revoked its device " + e.get("device") + " (at "
                        + e.get("revokedAt") + "): nothing is encrypted to it any more";
            case "revocation-refused":
                return time + " ! a revocation published for " + e.get("peer") + " was refused (" + e.get("reason")
                        + "): " + e.get("detail") + "; nothing changed";
            case "device-stale":
                return time + " ! " + e.get("peer") + " device " + e.get("device") + " was not heard from since "
                        + e.get("lastHeard") + ": nothing is encrypted to it until it sends again";
            case "device-not-reached":
                return time + " ! " + e.get("peer") + " device " + e.get("device") + " got nothing of what you sent ("
                        + e.get("reason") + "); never in plaintext";
            case "delivered":
                return time + " \u2713 delivered to " + e.get("peer") + " (message " + e.get("id") + ")";
            case "not-delivered":
                return time + " ! not delivered to " + e.get("peer") + " (message " + e.get("id") + "): the loss "
                        + "detection found it missing";
            case "session-healed":
                return time + " * session with " + e.get("peer") + " healed";
            case "capability-missing":
                return time + " ! " + e.get("peer") + " no longer shows Sotto (stripped?): " + e.get("detail");
            case "send-failed":
                return time + " ! " + (Boolean.TRUE.equals(e.get("held")) ? "held for " : "not sent to ")
                        + e.get("peer") + ": " + e.get("reason") + " (" + e.get("detail")
                        + "); never sent in plaintext";
            case "key-changed":
                return time + " ! " + e.get("peer") + " presented a NEW account key: " + e.get("presented")
                        + "; sending held until you accept it (sotto trust --accept-new-key)";
            case "certified":
                return time + " * " + e.get("peer") + " is CERTIFIED (" + e.get("method") + "): " + e.get("subject")
                        + " by " + e.get("issuer") + " until " + e.get("validUntil");
            case "certification-rejected":
                return time + " ! the " + e.get("method") + " certification " + e.get("peer") + " attached was "
                        + "rejected: " + e.get("reason") + " (" + e.get("detail") + "); trust not raised";
            case "password-guessing":
                return time + " ! " + e.get("failures") + " password handshakes in a row with " + e.get("peer")
                        + " failed: someone may be guessing your contact password; password handshakes with "
                        + e.get("peer") + " wait until " + e.get("refusedUntil");
            case "publish-failed":
                return time + " ! cannot publish this device's bundle: " + e.get("detail");
            case "connection-lost":
                return time + " ! the connection to the server was lost (" + e.get("detail") + ")"
                        + (Boolean.TRUE.equals(e.get("reconnecting")) ? "; reconnecting" : "");
            case "reconnecting":
                return time + " ! still not connected (" + e.get("detail") + "); next try in " + e.get("inSeconds")
                        + " s";
            case "reconnected":
                return time + " * connected again (resource " + e.get("resource") + ")";
            case "bundle-substituted":
                return time + " ! the server substituted the prekeys of " + e.get("peer") + " device " + e.get("device")
                        + ": the session made from them is deleted, and what was sent in it did not reach them";
            case "messages-missing":
                return time + " ! messages from " + e.get("peer") + " device " + e.get("device")
                        + " never arrived: " + e.get("detail");
            case "arrived-late":
                return time + " * " + e.get("peer") + " device " + e.get("device") + ": " + e.get("detail")
                        + " arrived late (shown now, out of order)";
            case "omemo-device-not-approved":
                return time + " ! " + e.get("peer") + " has a new " + e.get("version") + " device " + e.get("device")
                        + " (fingerprint " + e.get("fingerprint") + ") awaiting your approval: this message was NOT "
                        + "encrypted to it; once the contact confirmed that fingerprint: sotto trust " + e.get("peer")
                        + ("OMEMO 2".equals(e.get("version")) ? " --omemo2-device " : " --omemo-device ")
                        + e.get("device");
            case "forged-carbon":
                return time + " ! " + (e.get("from") == null ? "someone" : e.get("from")) + " sent a forged copy of a "
                        + e.get("direction") + " message (only your server makes such copies): ignored, not shown";
            case "unencrypted-message":
                // Its own prefix, never a trust tag: nothing may make it look like an encrypted line.
                return time + " !! UNENCRYPTED from " + (Boolean.TRUE.equals(e.get("stranger")) ? "a stranger " : "")
                        + e.get("from") + ": " + e.get("body");
            case "foreign-encryption":
                return time + " ! " + e.get("from") + (Boolean.TRUE.equals(e.get("stranger")) ? " (a stranger)" : "")
                        + " sent a message encrypted with " + e.get("schemeName")
                        + (e.get("namespace") == null ? "" : " (" + e.get("namespace") + ")")
                        + ": Sotto cannot read this";
            case "store-damaged":
                return time + " ! " + e.get("detail");
            case "not-acknowledged":
                return time + " ! " + e.get("detail") + " (" + e.get("peer") + " device " + e.get("device") + ")";
            case "subscription-request":
                return time + " * " + e.get("from") + " asks to see your presence: sotto contacts accept "
                        + e.get("from") + " (or deny)";
            case "subscription-withdrawn":
                return time + " * " + e.get("from") + " withdrew its subscription request (or stopped seeing your "
                        + "presence)";
            case "subscription-accepted":
                return time + " * " + e.get("from") + " accepted your subscription request: you see its presence";
            case "subscription-denied":
                return time + " * " + e.get("from") + " denied or revoked your subscription request";
            case "session-refused":
                return time + " ! no session with " + e.get("from") + ": " + e.get("reason") + " (" + e.get("detail")
                        + ")";
            case "iq-answer-ignored":
                return time + " ! an answer to iq " + e.get("id") + " from " + e.get("from") + " was ignored: "
                        + e.get("reason");
            default:
                return time + " " + e.get("event") + ": " + fields(e);
        }
    }
}
