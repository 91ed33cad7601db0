package im.sotto.xmpp.omemo;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;

/**
 * OMEMO's carbons (XEP-0280, docs/protocol.md 10.12) on one connection: copies of what our other OMEMO devices sent,
 * shown as the user's own, and copies of what contacts sent to our other resources, shown once as theirs. A copy
 * carrying Sotto's element is the session layer's (an OMEMO element beside it is for OMEMO-only devices: 10.13).
 */
final class OmemoCarbons {
    private final XMPPConnection connection;
    private final OmemoReceiver receiver;
    private final OmemoBinding binding;
    private final Executor worker;
    private final Consumer<SecurityEvent> events;
    private final Consumer<DecryptedStanza> deliveries;

    OmemoCarbons(XMPPConnection connection, OmemoReceiver receiver, OmemoBinding binding, Executor worker,
            Consumer<SecurityEvent> events, Consumer<DecryptedStanza> deliveries) {
        this.connection = connection;
        this.receiver = receiver;
        this.binding = binding;
        this.worker = worker;
        this.events = events;
        this.deliveries = deliveries;
    }

    /** Reads carbons from now on (once, when OMEMO is turned on), on the worker. */
    void listen() {
        // Carbons only with OMEMO on (asked for at each login, loggedIn): a Sotto-only deployment sends not one
        // stanza more.
        CarbonManager.getInstanceFor(connection).addCarbonCopyReceivedListener((direction, copy, wrapper) -> {
            if (copy.hasExtension(im.sotto.xmpp.element.SottoEncrypted.QNAME)) {
                return;   // Sotto's element is read by the session layer; an OMEMO one beside it is not ours (10.13)
            } else if (direction == CarbonExtension.Direction.sent && copy.hasExtension(AxolotlEncrypted.ELEMENT,
                    Axolotl.NAMESPACE)) {
                worker.execute(() -> receiveOwnSent(wrapper, copy));
            } else if (direction == CarbonExtension.Direction.sent && copy.hasExtension(
                    im.sotto.xmpp.omemo2.Omemo2Encrypted.QNAME)) {
                worker.execute(() -> binding.omemo2().receiveOwnSent(wrapper, copy));
            } else if (direction == CarbonExtension.Direction.received) {
                worker.execute(() -> receiveCopyOfReceived(wrapper, copy));
            }
        });
    }

    /**
     * Asks for carbons if the server offers them (XEP-0280; worker thread). Without them, copies of what our other
     * devices send never reach this one (docs/protocol.md 10.12); nothing else depends on them.
     */
    static void enableNow(CarbonManager carbons) {
        try {
            if (carbons.isSupportedByServer()) {
                carbons.setCarbonsEnabled(true);
            }
        } catch (org.jivesoftware.smack.SmackException | org.jivesoftware.smack.XMPPException e) {
            // A server that offers carbons and then refuses them: as without carbons (see above).
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A copy of what another OMEMO device of this account sent (worker thread): decrypted like any OMEMO message
     * (its key for this device), delivered as the user's own message to the recipient; refusals are reported as for
     * any OMEMO message (one without a key for this device too: the user wrote something this device cannot show).
     */
    void receiveOwnSent(Message wrapper, Message copy) {
        Optional<Message> accepted = OwnSentCopies.accept(connection.getUser().asBareJid(), wrapper, copy);
        if (accepted.isEmpty()) {
            return;
        }
        OmemoReceipt receipt = receiver.receive(accepted.get());
        if (receipt instanceof OmemoReceipt.Delivered delivered) {
            deliveries.accept(OwnSentCopies.yours(delivered.stanza(), copy));
        } else if (receipt instanceof OmemoReceipt.Refused refused) {
            events.accept(new SecurityEvent.OmemoUndecryptable(refused.peer(), copy.getFrom(),
                    copy.getStanzaId(), refused.deviceId(), refused.reason(), refused.detail()));
        }
        if (receipt.republish()) {
            binding.publish();
        }
    }

    /**
     * A copy of what a contact sent to another resource of ours (a received carbon; worker thread): read as if it had
     * come here, OMEMO 2 first as on the receive path, so it is shown once, as the contact's. A copy without an OMEMO
     * element is not ours to read, nor one with Sotto's element (the session layer reads those: OwnDevices).
     */
    void receiveCopyOfReceived(Message wrapper, Message copy) {
        Optional<Message> accepted = ReceivedCopies.accept(connection.getUser(), wrapper, copy);
        if (accepted.isEmpty() || copy.hasExtension(im.sotto.xmpp.element.SottoEncrypted.ELEMENT,
                im.sotto.xmpp.element.SottoEncrypted.NAMESPACE)) {
            return;
        }
        if (copy.hasExtension(im.sotto.xmpp.omemo2.Omemo2Encrypted.QNAME) && binding.omemo2().claim(accepted.get())) {
            return;
        }
        if (copy.hasExtension(AxolotlEncrypted.QNAME)) {
            binding.receive(accepted.get());
        }
    }
}
