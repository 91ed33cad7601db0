package im.sotto.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link OwnDevicesIT} on ejabberd with mod_carboncopy (its carbons and archive differ from Prosody's). */
class OwnDevicesEjabberdIT {
    @RegisterExtension
    static final PrivateServer ejabberd = PrivateServer.withCarbons(true);

    @Test
    void everyMessageFromAnyDeviceReachesTheOthersOnceMarkedByWhoSentIt() throws Exception {
        OwnDevicesIT.runThreeDevices(ejabberd);
    }
}
