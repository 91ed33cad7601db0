package im.sotto.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;

/** One line per event: readable text ({@link EventLines}), or one JSON object per line with {@code --json}. */
final class EventPrinter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final boolean json;
    private final RepeatedNotices repeated = new RepeatedNotices();

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
        } else if (event instanceof SecurityEvent.OmemoDevicesNotApproved n) {
            e.put("event", "omemo-device-not-approved");
            List<Map<String, Object>> devices = new ArrayList<>();
            n.devices().forEach(d -> devices.add(Map.of("device", d.deviceId(), "fingerprint", d.fingerprint())));
            e.put("devices", devices);
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

    void print(Map<String, Object> described) {
        Map<String, Object> event = repeated.mark(described);
        if (json) {
            try {
                out.println(JSON.writeValueAsString(event));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        out.println(EventLines.text(event));
    }
}
