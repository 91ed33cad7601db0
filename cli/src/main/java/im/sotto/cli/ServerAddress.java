package im.sotto.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@code HOST:PORT} given with {@code --server}: where to connect instead of the DNS lookup of the JID's domain. */
public record ServerAddress(String host, int port) {
    public static ServerAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CliException(ExitCode.USAGE, "--server " + text + ": expected HOST:PORT, e.g. 127.0.0.1:5222");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new ServerAddress(host, port);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.USAGE, "--server " + text + ": the port must be a number 1..65535");
        }
    }

    InetAddress resolve() {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new CliException(ExitCode.CONNECTION, "cannot resolve " + host + ": unknown host; check --server");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
