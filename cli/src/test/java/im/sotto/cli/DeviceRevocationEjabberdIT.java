package im.sotto.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link DeviceRevocationIT} on ejabberd (issue #19 asks for both servers): its PEP and archive are its own, and the
 * server's re-listing of the revoked device goes through its pubsub.
 */
class DeviceRevocationEjabberdIT {
    @RegisterExtension
    static final PrivateServer ejabberd = PrivateServer.ejabberd();

    @Test
    void aRevokedDeviceReadsNothingSentAfterwardsWhateverTheServerPublishes() throws Exception {
        DeviceRevocationIT.revokedDeviceReadsNothing(ejabberd);
    }
}
