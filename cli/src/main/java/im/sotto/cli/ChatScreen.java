package im.sotto.cli;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Status;

/**
 * The terminal of {@code sotto chat}: a status line at the bottom, lines printed above the prompt as they arrive
 * while the prompt keeps what the user is typing. On a terminal without cursor control (a pipe, a dumb terminal)
 * each change of the status is printed as a line instead.
 */
final class ChatScreen implements AutoCloseable {
    private final Terminal terminal;
    private final LineReader reader;
    /** Draws the pending status while the reader holds its lock, so it never interleaves with the prompt's drawing. */
    private static final String STATUS_WIDGET = "sotto-status";

    private final Status status;
    private String shownStatus = "";
    private volatile List<AttributedString> pendingStatus = List.of();

    private ChatScreen(Terminal terminal) {
        this.terminal = terminal;
        this.reader = LineReaderBuilder.builder().terminal(terminal).appName("sotto chat")
                // What is typed in a chat is not kept in a history file.
                .variable(LineReader.HISTORY_FILE, null)
                // The sent line is printed again with its time and, later, its delivery mark (ChatOutgoing).
                .option(LineReader.Option.ERASE_LINE_ON_FINISH, true).build();
        Status found = Terminal.TYPE_DUMB.equals(terminal.getType())
                || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType()) ? null : Status.getStatus(terminal);
        this.status = found;
        reader.getWidgets().put(STATUS_WIDGET, () -> {
            status.update(pendingStatus);
            reader.callWidget(LineReader.REDRAW_LINE);
            reader.callWidget(LineReader.REDISPLAY);
            return true;
        });
    }

    static ChatScreen open() {
        try {
            return new ChatScreen(TerminalBuilder.builder().system(true).name("sotto chat").build());
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot open the terminal: " + e.getMessage(), e);
        }
    }

    /** Shows a line above the prompt (the typed text stays as it is). Safe from any thread. */
    synchronized void print(String line) {
        reader.printAbove(wrapped(line));
    }

    /** Shows a security line: marked so it stands out from the conversation. */
    synchronized void alert(String line) {
        reader.printAbove(new AttributedString(wrapped(line), AttributedStyle.BOLD.foreground(AttributedStyle.RED)));
    }

    /**
     * Shows a message that arrived WITHOUT encryption: its own colour (black on yellow), unlike both the conversation
     * and the security lines, so that it cannot pass for an encrypted message.
     */
    synchronized void unencrypted(String line) {
        reader.printAbove(new AttributedString(wrapped(line),
                AttributedStyle.BOLD.foreground(AttributedStyle.BLACK).background(AttributedStyle.YELLOW)));
    }

    /** Wrapped at word boundaries to the terminal's width (LineWrap); as it is on a terminal of unknown width. */
    private String wrapped(String line) {
        return LineWrap.wrapped(line, terminal.getWidth());
    }

    /** Replaces the status line. Safe from any thread. */
    synchronized void status(String text) {
        if (Objects.equals(text, shownStatus)) {
            return;
        }
        shownStatus = text;
        if (status == null) {
            reader.printAbove("-- " + text);
            return;
        }
        pendingStatus = fitted(text, terminal.getWidth()).stream()
                .map(l -> new AttributedString(l, AttributedStyle.INVERSE)).toList();
        if (reader.isReading()) {
            try {
                reader.callWidget(STATUS_WIDGET);
                return;
            } catch (IllegalStateException e) {
                // The line was accepted just now: nobody is drawing the prompt, so draw the status directly.
            }
        }
        status.update(pendingStatus);
    }

    /** The status text on one line, or on two (split between fields) when the terminal is narrower. */
    static List<String> fitted(String text, int width) {
        int split = text.lastIndexOf(" | ", Math.max(0, width - 1));
        if (width <= 0 || text.length() <= width || split <= 0) {
            return List.of(text);
        }
        return List.of(text.substring(0, split), text.substring(split + 3));
    }

    /** The next line typed; null at the end of input (Ctrl-D) or on Ctrl-C. */
    String read(String prompt) {
        try {
            return reader.readLine(prompt);
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            if (status != null) {
                status.update(List.of());
                status.close();
            }
            terminal.close();
        } catch (IOException e) {
            // The process ends next; a terminal that will not restore its mode is not worth a second error.
        }
    }
}
