package im.sotto.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a long-running command (listen, chat) already told in full: a later notice about exactly the same devices is
 * marked {@code "repeat": true} and shown as one short line. Each send that misses an OMEMO device awaiting approval,
 * or a device that cannot be reached, reports it again (the event is about that message); with a few stale devices
 * a contact keeps in its list, the full text at every message would bury the conversation.
 */
final class RepeatedNotices {
    /** Devices remembered per process; past it the memory starts again (a notice is then shown in full once more). */
    static final int MAX_REMEMBERED = 10_000;

    private final Set<String> shown = new HashSet<>();

    /** {@code described}, marked as a repeat when every device it names was shown in full before. */
    synchronized Map<String, Object> mark(Map<String, Object> described) {
        List<String> keys = keys(described);
        if (keys.isEmpty()) {
            return described;
        }
        if (shown.containsAll(keys)) {
            described.put("repeat", true);
            return described;
        }
        if (shown.size() + keys.size() > MAX_REMEMBERED) {
            shown.clear();
        }
        shown.addAll(keys);
        return described;
    }

    private static List<String> keys(Map<String, Object> e) {
        List<String> keys = new ArrayList<>();
        Object kind = e.get("event");
        if ("omemo-device-not-approved".equals(kind) && e.get("devices") instanceof List<?> devices) {
            for (Object d : devices) {
                if (d instanceof Map<?, ?> device) {
                    keys.add(kind + " " + e.get("version") + " " + e.get("peer") + " " + device.get("device") + " "
                            + device.get("fingerprint"));
                }
            }
        } else if ("device-not-reached".equals(kind)) {
            keys.add(kind + " " + e.get("peer") + " " + e.get("device") + " " + e.get("reason"));
        }
        return keys;
    }
}
