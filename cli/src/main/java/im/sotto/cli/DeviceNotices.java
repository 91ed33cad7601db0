package im.sotto.cli;

import java.io.PrintStream;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;

/**
 * For commands that print no event stream ({@code send} and the like): says once, on the progress stream, that a
 * contact's device was revoked or went stale, or that a revocation was refused. Nothing is encrypted to such a device,
 * and the user should know why a device they expect no longer gets messages (docs/protocol.md 7.7).
 */
final class DeviceNotices {
    private DeviceNotices() {
    }

    static void attach(SottoManager manager, PrintStream progress) {
        manager.addListener(new SottoListener() {
            @Override
            public void onStanza(DecryptedStanza stanza) {
            }

            @Override
            public void onEvent(SecurityEvent event) {
                if (event instanceof SecurityEvent.DeviceRevoked || event instanceof SecurityEvent.DeviceStale
                        || event instanceof SecurityEvent.RevocationRefused) {
                    progress.println(EventLines.text(EventPrinter.describe(event)));
                }
            }
        });
    }
}
