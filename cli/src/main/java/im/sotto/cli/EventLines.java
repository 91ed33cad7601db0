package im.sotto.cli;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text form of a described event ({@link EventPrinter#describe}): one line each, what {@code listen} prints
 * without {@code --json} and what {@code chat} shows.
 */
final class EventLines {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private EventLines() {
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
                return time + " ! " + e.get("peer") + " device " + e.get("device") + (Boolean.TRUE.equals(e.get("repeat"))
                        ? " again got nothing (" + e.get("reason") + ")" : " got nothing of what you sent ("
                        + e.get("reason") + "); never in plaintext");
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
                return time + " ! " + notApproved(e, raw.get("devices"));
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

    /** The sender of a described message as its line names it: the trust tag, then the address. */
    /**
     * One line for every OMEMO device of one account a message missed for want of approval: in full (fingerprint,
     * the commands) the first time, short when the same devices were told before ({@link RepeatedNotices}).
     */
    private static String notApproved(Map<String, Object> e, Object rawDevices) {
        List<String> ids = new ArrayList<>();
        String fingerprint = "";
        if (rawDevices instanceof List<?> devices) {
            for (Object d : devices) {
                if (d instanceof Map<?, ?> device) {
                    ids.add(SafeText.of(device.get("device")));
                    fingerprint = SafeText.of(device.get("fingerprint"));
                }
            }
        }
        String option = "OMEMO 2".equals(e.get("version")) ? " --omemo2-device " : " --omemo-device ";
        String what = e.get("version") + " device" + (ids.size() == 1 ? " " : "s ") + String.join(", ", ids);
        if (Boolean.TRUE.equals(e.get("repeat"))) {
            return "not encrypted to " + e.get("peer") + "'s " + what + " (awaiting your approval)";
        }
        if (ids.size() == 1) {
            return e.get("peer") + " has a new " + what + " (fingerprint " + fingerprint + ") awaiting your approval: "
                    + "this message was NOT encrypted to it; once the contact confirmed that fingerprint: sotto trust "
                    + e.get("peer") + option + ids.get(0) + " (not theirs: sotto distrust " + e.get("peer") + option
                    + ids.get(0) + ")";
        }
        return e.get("peer") + " has " + ids.size() + " new " + what + " awaiting your approval: this message was NOT "
                + "encrypted to them; sotto devices " + e.get("peer") + " shows their fingerprints; approve one the "
                + "contact confirmed with sotto trust " + e.get("peer") + option + "ID, refuse one with sotto "
                + "distrust " + e.get("peer") + option + "ID";
    }

    static String sender(Map<String, Object> e) {
        return tag(e) + " " + e.get("from");
    }

    /**
     * The trust tag before a message: the level, and what else the reader must know about the sender. It comes first
     * so that nothing the sender wrote stands between the tag and the start of the line.
     */
    private static String tag(Map<String, Object> e) {
        // OMEMO is a second protocol with weaker guarantees (no identity protection, no SAS): always named.
        String protocol = "OMEMO".equals(e.get("origin")) ? "OMEMO " : "OMEMO_2".equals(e.get("origin")) ? "OMEMO 2 "
                : "";
        return "[" + protocol + e.get("trust")
                + (Boolean.FALSE.equals(e.get("deviceApproved")) ? ", device not approved" : "")
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
}
