package im.sotto.cli;

import java.util.List;

import im.sotto.xmpp.SottoManager;
import im.sotto.xmpp.omemo.OmemoDeviceInfo;

import org.jxmpp.jid.BareJid;

/**
 * What {@code sotto devices} and {@code sotto contacts} show about OMEMO devices: the protocol by name, the
 * fingerprint as OMEMO clients show it (64 hex digits in groups of 8, to compare with Conversations or Dino), and
 * what OMEMO does not give.
 */
final class OmemoDevicesView {
    /** Said once under every OMEMO listing: the user must know what the weaker protocol leaves out. */
    static final String LIMITS = "OMEMO 0.3 (a contact without Sotto): no identity protection, no SAS, presence and "
            + "iq not encrypted - only message bodies.";

    /** The same for OMEMO 2, said under a listing with OMEMO 2 devices. */
    static final String LIMITS_2 = "OMEMO 2 (preferred where offered): the same - no identity protection, no SAS, "
            + "presence and iq not encrypted - only message bodies.";

    private OmemoDevicesView() {
    }

    /** Prints {@code peer}'s OMEMO devices of both versions; returns how many. */
    static int print(SottoManager manager, BareJid peer) {
        List<OmemoDeviceInfo> devices = manager.omemo().devices(peer);
        List<im.sotto.xmpp.omemo2.Omemo2DeviceInfo> devices2 = manager.omemo().omemo2().devices(peer);
        if (devices.isEmpty() && devices2.isEmpty()) {
            return 0;
        }
        System.out.printf("%-12s %-8s %-18s %-8s %s%n", "DEVICE", "PROTOCOL", "STATUS", "SESSION", "FINGERPRINT");
        for (im.sotto.xmpp.omemo2.Omemo2DeviceInfo d : devices2) {
            System.out.printf("%-12d %-8s %-18s %-8s %s%n", d.deviceId(), "OMEMO 2", status(d.level()),
                    d.hasSession() ? "yes" : "no", d.identityKey().fingerprint());
        }
        for (OmemoDeviceInfo d : devices) {
            System.out.printf("%-12d %-8s %-18s %-8s %s%n", d.deviceId(), "OMEMO", status(d), d.hasSession() ? "yes"
                    : "no", d.identityKey().fingerprint());
        }
        System.out.println(devices.isEmpty() ? LIMITS_2 : devices2.isEmpty() ? LIMITS : LIMITS + " " + LIMITS_2);
        return devices.size() + devices2.size();
    }

    static String status(OmemoDeviceInfo d) {
        return status(d.level());
    }

    static String status(im.sotto.protocol.omemo.OmemoTrustLevel level) {
        return switch (level) {
            case BLIND -> "BLIND TRUST";
            case VERIFIED -> "VERIFIED";
            case AWAITING_APPROVAL -> "AWAITING APPROVAL";
            case DISTRUSTED -> "DISTRUSTED";
        };
    }
}
