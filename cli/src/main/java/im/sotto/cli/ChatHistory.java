package im.sotto.cli;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import org.jxmpp.jid.BareJid;

/** What {@code sotto chat} shows of the conversation log: the last lines when it opens, and each new mark. */
final class ChatHistory {
    /** The start of a line that quotes one of ours: enough to recognise it, short enough for one row. */
    private static final int QUOTED_CHARS = 40;

    private ChatHistory() {
    }

    /** The last lines with {@code peer}, oldest first, between two rules; nothing for a first conversation. */
    static void show(Conversations conversations, BareJid peer, ChatScreen screen) {
        List<HistoryLine> lines;
        try {
            lines = conversations.recent(peer, Conversations.SHOWN_ON_OPEN);
        } catch (CliException e) {
            screen.alert("! the conversation log cannot be read: " + e.getMessage());
            return;
        }
        if (lines.isEmpty()) {
            return;
        }
        LocalDate today = LocalDate.now();
        ZoneId zone = ZoneId.systemDefault();
        screen.print("-- the last " + lines.size() + " line" + (lines.size() == 1 ? "" : "s") + " with " + peer
                + " (from the encrypted log) --");
        lines.forEach(line -> screen.print(line.shown(today, zone)));
        screen.print("-- now --");
    }

    /** A line of ours was confirmed, or reported lost: said below, quoting its start. */
    static void marked(BareJid peer, HistoryLine line, ChatScreen screen) {
        String body = line.body();
        String quoted = SafeText.of(body.length() > QUOTED_CHARS ? body.substring(0, QUOTED_CHARS) + "..." : body);
        String time = java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"));
        switch (line.mark()) {
            case DELIVERED -> screen.print(time + " \u2713 delivered to " + peer + ": " + quoted);
            case NOT_DELIVERED -> screen.alert(time + " \u2717 not delivered to " + peer + " (the loss detection "
                    + "found it missing): " + quoted);
            default -> { } // not sent: the line's own alert said it, with the reason
        }
    }
}
