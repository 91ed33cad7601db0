package im.sotto.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * python-omemo's twomemo backend (Debian python3-twomemo, MIT) in its own Python process, driven through Sotto's test
 * driver {@code protocol/src/test/resources/omemo2/twomemo_peer.py} by JSON lines. {@code scripts/omemo2-peer.sh}
 * installs the Debian packages when missing, as {@code scripts/xmpp-servers.sh} does for the servers.
 */
final class TwomemoPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    TwomemoPeer(String jid, int deviceId) throws IOException, InterruptedException {
        Process install = new ProcessBuilder("bash", "../scripts/omemo2-peer.sh", "install")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String python = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (install.waitFor() != 0) {
            throw new IllegalStateException("scripts/omemo2-peer.sh install failed");
        }
        Path driver = Path.of("..", "protocol", "src", "test", "resources", "omemo2", "twomemo_peer.py");
        process = new ProcessBuilder(python, driver.toString(), jid, Integer.toString(deviceId))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    ObjectNode request(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    JsonNode call(ObjectNode request) throws IOException {
        in.write(JSON.writeValueAsString(request) + "\n");
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("twomemo peer exited");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
