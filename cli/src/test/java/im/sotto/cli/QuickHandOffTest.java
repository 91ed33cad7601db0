package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The quick hand-off takes only {@code send JID WORDS...}: every other form is left to picocli and SendCommand
 * (empty), before any account or socket is looked at, so that options, standard input and argument files keep their
 * meaning and errors their usual wording.
 */
class QuickHandOffTest {
    @Test
    void everyOtherFormIsLeftToTheUsualPath() {
        String[][] others = {
            {"send", "bob@example.org"},                          // standard input
            {"send", "bob@example.org", "-"},                     // standard input, said
            {"send", "bob@example.org", "--file", "m.txt"},
            {"send", "--account", "alice@example.org", "bob@example.org", "hi"},
            {"send", "bob@example.org", "hi", "--debug"},
            {"send", "bob@example.org", "@words.txt"},            // a picocli argument file
            {"send", "bob@example.org", ""},
            {"send", "not a jid", "hi"},                          // SendCommand reports it, as always
            {"send", "bob@example.org", "bell\u0007"},            // XML cannot carry it: exit 9 from SendCommand
            {"contacts", "bob@example.org", "hi"},
            {"--help"},
        };
        for (String[] args : others) {
            assertEquals(Optional.empty(), QuickHandOff.send(args), String.join(" ", args));
        }
    }

    /**
     * A plain send line that no listen takes runs SendCommand without picocli: filled exactly as picocli fills it
     * from the same line (every field compared, the mixins' included), so the command cannot behave differently.
     */
    @Test
    void aPlainSendIsFilledAsPicocliFillsIt() throws Exception {
        String[] args = {"send", "bob@example.org", "see", "you", "at", "8"};
        assertTrue(QuickHandOff.isPlainSend(args));
        SendCommand parsed = new SendCommand();
        new picocli.CommandLine(parsed).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
        SendCommand quick = QuickHandOff.plainCommand(args);
        assertEquals(fields(parsed), fields(quick));
        assertEquals(java.util.List.of("see", "you", "at", "8"), quick.text);
        assertFalse(QuickHandOff.isPlainSend("send", "bob@example.org", "hi", "--file", "x"));
    }

    /** Every field of the command and of its option mixins, by name (picocli's own spec fields left out). */
    private static java.util.Map<String, Object> fields(Object command) throws Exception {
        java.util.Map<String, Object> out = new java.util.TreeMap<>();
        for (java.lang.reflect.Field field : command.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            Object value = field.get(command);
            if (value instanceof Common || value instanceof ContactPassword) {
                fields(value).forEach((name, v) -> out.put(field.getName() + "." + name, v));
            } else {
                out.put(field.getName(), value);
            }
        }
        return out;
    }
}
