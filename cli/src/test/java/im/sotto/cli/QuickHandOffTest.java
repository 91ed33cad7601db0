package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
