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

    private OmemoDevicesView() {
    }

    /** Prints {@code peer}'s OMEMO devices; returns how many. */
    static int print(SottoManager manager, BareJid peer) {
        return print(manager, peer, System.out);
    }

    /** Prints {@code peer}'s OMEMO devices on {@code out}; returns how many. */
    static int print(SottoManager manager, BareJid peer, java.io.PrintStream out) {
        List<OmemoDeviceInfo> devices = manager.omemo().devices(peer);
        if (devices.isEmpty()) {
            return 0;
        }
        out.printf("%-12s %-8s %-18s %-8s %s%n", "DEVICE", "PROTOCOL", "STATUS", "SESSION", "FINGERPRINT");
        for (OmemoDeviceInfo d : devices) {
            out.printf("%-12d %-8s %-18s %-8s %s%n", d.deviceId(), "OMEMO", status(d), d.hasSession() ? "yes"
                    : "no", d.identityKey().fingerprint());
        }
        out.println(LIMITS);
        return devices.size();
    }

    static String status(OmemoDeviceInfo d) {
        return switch (d.level()) {
            case BLIND -> "BLIND TRUST";
            case VERIFIED -> "VERIFIED";
            case AWAITING_APPROVAL -> "AWAITING APPROVAL";
            case DISTRUSTED -> "DISTRUSTED";
        };
    }
}
