package im.sotto.cli;

import java.util.List;

import org.jivesoftware.smack.SmackConfiguration;

/**
 * Smack managers the command-line client keeps from starting. Smack starts every manager its jars list for each
 * connection. Two kinds are of no use here and cost something:
 * <ul>
 * <li>the HTTP upload manager looks for an upload service at every login (a disco#items of the server and a
 * disco#info of each of its services, twice: once per protocol version), about 0.1 s of a {@code send} for a
 * feature the client does not have;
 * <li>three answer anyone who asks about this client: the software version, the local time with its time zone, and
 * how long the user has been idle. None of it is the user's wish to tell, least in an encryption product.
 * </ul>
 * The choice is the application's, made here and not in the library: an application embedding Sotto keeps the
 * managers it wants.
 */
final class SmackStartup {
    static final List<String> NOT_STARTED = List.of(
            "org.jivesoftware.smackx.httpfileupload.HttpFileUploadManager",
            "org.jivesoftware.smackx.iqversion.VersionManager",
            "org.jivesoftware.smackx.time.EntityTimeManager",
            "org.jivesoftware.smackx.iqlast.LastActivityManager");

    private static boolean done;

    private SmackStartup() {
    }

    /** Before the first connection is configured: Smack reads the list once, when it initialises. */
    static synchronized void trim() {
        if (!done) {
            done = true;
            NOT_STARTED.forEach(SmackConfiguration::addDisabledSmackClass);
        }
    }
}
