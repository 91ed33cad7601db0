package im.sotto.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link LinkDevicesIT} on ejabberd (issue #19 asks for both servers): the link meets through the presence of the
 * account's own resources and directed messages between them, which each server routes its own way.
 */
class LinkDevicesEjabberdIT {
    @RegisterExtension
    static final PrivateServer ejabberd = PrivateServer.ejabberd();

    @Test
    void accountAddIsRefusedAWrongCodeLinksNothingAndTheRightOneLinks() throws Exception {
        LinkDevicesIT.refusedThenWrongThenRightCode(ejabberd);
    }
}
