package im.sotto.cli;

import java.util.List;

import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jxmpp.jid.EntityBareJid;

/**
 * A message to your own address goes to your other devices (issue #19: sessions with them are made at login,
 * {@code OwnDevices}); with no other device it is refused at once, before anything is queued (issue #18: it used to
 * hang for 39 s trying a handshake with this very device and leave a false TAMPERED behind).
 */
final class NoteToSelf {
    private NoteToSelf() {
    }

    /** Throws the refusal when {@code peer} is this account. */
    static void requireAnotherDevice(Online online, EntityBareJid peer) {
        if (!peer.equals(online.opened.entry.jid())) {
            return;
        }
        long self = online.opened.account.device().deviceId();
        List<DeviceId> devices;
        try {
            devices = new BundlePublisher(online.connection).fetchDeviceList(peer);
        } catch (PepException e) {
            devices = List.of(); // nothing published (the publish at login failed): no other device either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted", e);
        }
        if (devices.stream().allMatch(d -> d.value() == self)) {
            throw new CliException(ExitCode.REFUSED, "a note to self: there is no other device of yours to send to "
                    + "(" + peer + " has only this device). Nothing was sent or queued.");
        }
    }
}
