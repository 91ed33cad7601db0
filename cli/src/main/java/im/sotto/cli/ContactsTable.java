package im.sotto.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.ContactStatus;

/**
 * The table {@code sotto contacts} prints: every address the account has a session with, has in its roster, or was
 * asked by; its presence (live with {@code --online}, else the last one a command saw, with its time), the
 * subscription, whether it speaks Sotto (devices with a session), trust, how many of its messages no chat has shown
 * yet, and when it was last heard from.
 */
final class ContactsTable {
    private ContactsTable() {
    }

    /** What one run knows: the store's sessions and trust, the roster cache, and live presence when logged in. */
    record Sources(Map<String, List<SessionAddress>> devices, Map<SessionAddress, Instant> lastSeen,
            Function<String, Optional<ContactStatus>> trust, RosterCache roster,
            Optional<Function<String, String>> livePresence, Function<String, Integer> unread) {
    }

    static void print(Sources sources, PrintStream out) {
        TreeSet<String> everyone = new TreeSet<>(sources.devices().keySet());
        everyone.addAll(sources.roster().subscriptions().keySet());
        Map<String, Instant> pending = sources.roster().pending();
        everyone.addAll(pending.keySet());
        if (everyone.isEmpty()) {
            out.println("No contacts yet: add one (sotto contacts add JID), send a message (sotto send JID TEXT) or "
                    + "wait for one.");
            return;
        }
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[] {"CONTACT", "PRESENCE", "SUBSCRIPTION", "SOTTO", "TRUST", "UNREAD", "LAST SEEN",
            "NOTES"});
        for (String contact : everyone) {
            List<SessionAddress> devices = sources.devices().getOrDefault(contact, List.of());
            Instant last = devices.stream().map(sources.lastSeen()::get).filter(java.util.Objects::nonNull)
                    .max(Instant::compareTo).orElse(null);
            Optional<ContactStatus> status = sources.trust().apply(contact);
            String notes = status.map(TrustNames::notes).orElse("");
            if (pending.containsKey(contact)) {
                notes = ("asks to see your presence since " + pending.get(contact) + ": sotto contacts accept "
                        + contact + " (or deny)" + (notes.isEmpty() ? "" : "; " + notes));
            }
            rows.add(new String[] {contact, presence(sources, contact),
                sources.roster().subscriptions().getOrDefault(contact, "not in roster"),
                devices.isEmpty() ? "no session" : devices.size() + (devices.size() == 1 ? " device" : " devices"),
                TrustNames.of(status), unread(sources, contact), last == null ? "never" : last.toString(), notes});
        }
        // Each column as wide as its widest cell (at least its usual width), so a long presence never shifts the
        // columns after it.
        int[] widths = {30, 26, 13, 11, 15, 6, 24};
        for (String[] row : rows) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < widths.length; c++) {
                line.append(String.format("%-" + widths[c] + "s ", row[c]));
            }
            out.println(line.append(row[widths.length]).toString().stripTrailing());
        }
        if (sources.livePresence().isEmpty()) {
            out.println("(presence as last seen by a command that logged in; sotto contacts --online asks the server)");
        }
    }

    /** Messages from the contact not yet shown in a chat with it; "?" when the log cannot be read. */
    private static String unread(Sources sources, String contact) {
        try {
            return String.valueOf(sources.unread().apply(contact));
        } catch (CliException e) {
            return "?";
        }
    }

    private static String presence(Sources sources, String contact) {
        if (sources.livePresence().isPresent()) {
            return sources.livePresence().get().apply(contact);
        }
        return sources.roster().presence(contact).map(p -> p.summary() + " (" + p.at().toString().substring(0, 16)
                .replace('T', ' ') + ")").orElse("unknown");
    }
}
