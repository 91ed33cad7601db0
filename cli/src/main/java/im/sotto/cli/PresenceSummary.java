package im.sotto.cli;

import java.util.List;
import java.util.StringJoiner;

import org.jivesoftware.smack.packet.Presence;

/** A contact's presence in a few words: each available resource with its mode, or "offline". */
final class PresenceSummary {
    static final String OFFLINE = "offline";

    private PresenceSummary() {
    }

    /** From the presences the roster holds for one contact (one per resource). */
    static String of(List<Presence> presences) {
        StringJoiner summary = new StringJoiner(", ");
        for (Presence presence : presences) {
            if (!presence.isAvailable() || presence.getFrom() == null) {
                continue;
            }
            // The resource is chosen by the contact's client: escaped so that it cannot forge a line.
            summary.add(mode(presence.getMode()) + " (" + SafeText.of(presence.getFrom().getResourceOrEmpty()) + ")");
        }
        return summary.length() == 0 ? OFFLINE : summary.toString();
    }

    private static String mode(Presence.Mode mode) {
        switch (mode == null ? Presence.Mode.available : mode) {
            case away:
                return "away";
            case xa:
                return "away (extended)";
            case dnd:
                return "busy";
            default:
                return "available";
        }
    }
}
