package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #18: a store damaged in one record (a session: one bit flipped on disk) opens fine, so nothing said so until
 * a message from that contact failed. status and listen now check at start and warn.
 */
class DamagedStoreWarningIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void statusAndListenWarnAboutADamagedSession() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        prosody.add("alice", alice, "--no-passphrase");
        prosody.add("bob", prosody.env("bob"), "--no-passphrase");
        prosody.ok(alice, "send", prosody.jid("bob"), "hello");

        CliProcess.Run healthy = prosody.ok(alice, "status");
        assertTrue(!healthy.out().contains("DAMAGED"), healthy.toString());

        Path db = prosody.temp().resolve("alice").resolve(prosody.jid("alice")).resolve("store.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT address_index, record FROM sessions")) {
            assertTrue(r.next(), "alice's session with bob");
            byte[] index = r.getBytes(1);
            byte[] record = r.getBytes(2);
            record[record.length / 2] ^= 1;
            try (PreparedStatement u = c.prepareStatement("UPDATE sessions SET record = ? WHERE address_index = ?")) {
                u.setBytes(1, record);
                u.setBytes(2, index);
                assertEquals(1, u.executeUpdate());
            }
        }

        CliProcess.Run status = prosody.sotto(alice, "status");
        assertEquals(ExitCode.STORE, status.exit(), status.toString());
        assertTrue(status.out().contains("; DAMAGED") && status.out().contains("Warning:     store damaged: "),
                status.toString());

        CliProcess.Run listen = prosody.sotto(alice, "listen", "--json", "--timeout", "5");
        assertEquals(0, listen.exit(), listen.toString());
        assertTrue(PrivateServer.jsonLines(listen.out()).stream().anyMatch(e -> e.get("event").asText()
                .equals("store-damaged") && e.get("detail").asText().startsWith("store damaged: ")), listen.toString());
    }
}
