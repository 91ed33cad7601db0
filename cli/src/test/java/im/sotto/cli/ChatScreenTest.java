package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The status line's fitting to the terminal width: whole fields only, never cut inside one. */
class ChatScreenTest {
    private static final String STATUS = "bob@example.org | encrypted X25519_AESGCM_SHA256, online | trust VERIFIED"
            + " | SAS B2MV6QVE | continuity NEW_PEER";

    @Test
    void aWideTerminalShowsOneLine() {
        assertEquals(List.of(STATUS), ChatScreen.fitted(STATUS, 200));
        assertEquals(List.of(STATUS), ChatScreen.fitted(STATUS, STATUS.length()));
    }

    @Test
    void aNarrowTerminalSplitsBetweenFields() {
        assertEquals(List.of("bob@example.org | encrypted X25519_AESGCM_SHA256, online | trust VERIFIED | SAS B2MV6QVE",
                "continuity NEW_PEER"), ChatScreen.fitted(STATUS, 90));
        assertEquals(List.of("bob@example.org", "encrypted X25519_AESGCM_SHA256, online | trust VERIFIED | SAS "
                + "B2MV6QVE | continuity NEW_PEER"), ChatScreen.fitted(STATUS, 20));
    }

    @Test
    void noFieldBoundaryOrUnknownWidthKeepsOneLine() {
        assertEquals(List.of("x".repeat(50)), ChatScreen.fitted("x".repeat(50), 10));
        assertEquals(List.of(STATUS), ChatScreen.fitted(STATUS, 0));
    }

    @Test
    void onlyYesOrYRecordsAVerification() {
        for (String yes : List.of("y", "Y", "yes", " YES ")) {
            assertEquals(true, SasCheck.isYes(yes), yes);
        }
        for (String no : List.of("", "n", "no", "yes please", "ye", "sure")) {
            assertEquals(false, SasCheck.isYes(no), no);
        }
    }
}
