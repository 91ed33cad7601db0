package im.sotto.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link OwnDevicesIT}'s four-device scenario on ejabberd with mod_carboncopy (its carbons and archive differ). */
class OwnDevicesEjabberdIT {
    @RegisterExtension
    static final PrivateServer ejabberd = PrivateServer.withCarbons(true);

    /** The test: alice with two devices, bob with two, both second devices linked after the sessions. */
    @Test
    void everyMessageFromAnyOfFourDevicesReachesTheOtherThreeOnceMarkedByWhoSentIt() throws Exception {
        OwnDevicesIT.runDevices(ejabberd);
    }
}
