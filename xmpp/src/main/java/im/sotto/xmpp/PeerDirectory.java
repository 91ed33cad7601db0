package im.sotto.xmpp;

import java.util.List;
import java.util.Optional;

import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * What the network says about a peer: which of its resources are online and speak Sotto (disco, answered from
 * entity caps when Smack has them), and its published device list and bundles (PEP).
 */
final class PeerDirectory {
    private final XMPPConnection connection;
    private final BundlePublisher pep;

    PeerDirectory(XMPPConnection connection) {
        this.connection = connection;
        this.pep = new BundlePublisher(connection);
    }

    /**
     * An online resource of the recipient that advertises Sotto: {@code to} itself when it is a full JID, else one of
     * the available resources the roster knows. A resource that does not answer disco counts as offline. Asked only
     * when no session exists, so not cached here (Smack answers from entity caps when it has them).
     */
    Optional<Jid> onlineSottoResource(Jid to) {
        Jid self = connection.getUser();
        if (to.equals(self)) {
            return Optional.empty(); // never a handshake with ourselves (a note to self goes to our other devices)
        }
        if (to.isEntityFullJid()) {
            return supportsSotto(to) ? Optional.of(to) : Optional.empty();
        }
        List<Presence> presences = Roster.getInstanceFor(connection).getAvailablePresences(to.asBareJid());
        for (Presence presence : presences) {
            Jid resource = presence.getFrom();
            if (resource != null && resource.isEntityFullJid() && !resource.equals(self) && supportsSotto(resource)) {
                return Optional.of(resource);
            }
        }
        return Optional.empty();
    }

    private boolean supportsSotto(Jid resource) {
        try {
            return ServiceDiscoveryManager.getInstanceFor(connection)
                    .supportsFeature(resource, SottoTransportManager.FEATURE);
        } catch (XMPPException.XMPPErrorException | SmackException.NoResponseException
                | SmackException.NotConnectedException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    List<DeviceId> deviceList(BareJid peer) throws PepException, InterruptedException {
        return pep.fetchDeviceList(peer);
    }

    byte[] bundle(BareJid peer, DeviceId device) throws PepException, InterruptedException {
        return pep.fetchBundle(peer, device);
    }

    void publish(DeviceId device, byte[] bundle) throws PepException, InterruptedException {
        pep.publish(device, bundle);
    }

    BundlePublisher.Publication publishIfChanged(DeviceId device, byte[] bundle)
            throws PepException, InterruptedException {
        return pep.publishIfChanged(device, bundle);
    }
}
