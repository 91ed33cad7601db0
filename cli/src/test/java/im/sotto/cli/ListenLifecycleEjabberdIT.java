package im.sotto.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ListenLifecycleIT}'s signals on ejabberd (issue #18 asks for both servers; ejabberd's stream management
 * keeps a resumable session its own way): after SIGINT, SIGTERM and SIGKILL, a message sent at once reaches the next
 * listen. The server restart is tested on Prosody only (the test script restarts Prosody alone).
 */
class ListenLifecycleEjabberdIT {
    @RegisterExtension
    static final PrivateServer ejabberd = PrivateServer.ejabberd();

    @Test
    void aStoppedListenLeavesNoSessionBehind() throws Exception {
        ListenLifecycleIT.stoppedListenLeavesNoSessionBehind(ejabberd);
    }
}
