package im.sotto.xmpp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smackx.receipts.DeliveryReceipt;
import org.jivesoftware.smackx.receipts.DeliveryReceiptManager;
import org.jivesoftware.smackx.receipts.DeliveryReceiptRequest;
import org.jxmpp.jid.BareJid;

/**
 * XEP-0184 delivery receipts, end to end: the request travels inside the sender's encrypted envelope, the
 * {@code <received/>} inside the recipient's, so the server sees neither which message was read by which device nor
 * when. Only a receipt that arrived in a Sotto envelope counts as delivered; a receipt in the clear, which anyone on
 * the path could forge, is never reported, and a request in the clear is never answered (Smack's own
 * {@link DeliveryReceiptManager}, which answers in the clear, is switched off).
 *
 * <p>Listens to a {@link SottoManager}; answers on a thread of its own, since the manager's listeners run on its
 * worker and a send from there would wait for itself.
 */
public final class EncryptedReceipts implements SottoListener, AutoCloseable {
    /** How long a closing application waits for receipts being answered: as long as the manager waits for acks. */
    static final java.time.Duration FINISH_WAIT = java.time.Duration.ofSeconds(2);

    private final SottoManager manager;
    private final List<BiConsumer<BareJid, String>> deliveredWatchers = new CopyOnWriteArrayList<>();
    private final ExecutorService answers = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "sotto-receipts");
        thread.setDaemon(true);
        return thread;
    });

    private EncryptedReceipts(SottoManager manager) {
        this.manager = manager;
    }

    /** Answers receipt requests of {@code connection}'s Sotto messages from now on, encrypted; none in the clear. */
    public static EncryptedReceipts attach(XMPPConnection connection, SottoManager manager) {
        refuseCleartextReceipts(connection);
        EncryptedReceipts receipts = new EncryptedReceipts(Objects.requireNonNull(manager, "manager"));
        manager.addListener(receipts);
        return receipts;
    }

    /** Smack answers a request in the clear by default (for subscribed contacts): that would tell the server. */
    public static void refuseCleartextReceipts(XMPPConnection connection) {
        DeliveryReceiptManager.getInstanceFor(connection).setAutoReceiptMode(
                DeliveryReceiptManager.AutoReceiptMode.disabled);
        DeliveryReceiptManager.getInstanceFor(connection).dontAutoAddDeliveryReceiptRequests();
    }

    /** {@code message} with a receipt request in its content (sealed into the envelope with the body). */
    public static Message requesting(Message message) {
        if (message.getStanzaId() == null) {
            throw new IllegalArgumentException("a message that asks for a receipt needs an id");
        }
        return message.asBuilder().addExtension(new DeliveryReceiptRequest()).build();
    }

    /** {@code watcher} learns each message of ours that a device of the peer confirmed, by its stanza id. */
    public void onDelivered(BiConsumer<BareJid, String> watcher) {
        deliveredWatchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    @Override
    public void onStanza(DecryptedStanza stanza) {
        if (!(stanza.stanza() instanceof Message message) || stanza.origin() == SessionOrigin.OMEMO
                || stanza.origin() == SessionOrigin.OMEMO_2) {
            return; // Sotto's OMEMO carries a body only: neither a request nor a receipt can be in it
        }
        if (message.getFrom() != null && !message.getFrom().asBareJid().equals(stanza.peer())) {
            return; // our other device's copy of its own line (OwnDevices): the contact answers it, not us
        }
        Optional<String> confirmed = receiptId(message);
        if (confirmed.isPresent()) {
            deliveredWatchers.forEach(w -> w.accept(stanza.peer(), confirmed.get()));
            return; // a receipt is never answered with a receipt
        }
        String id = message.getStanzaId();
        if (requestsReceipt(message) && id != null && !id.isEmpty()) {
            Message receipt = StanzaBuilder.buildMessage().to(stanza.peer()).ofType(Message.Type.chat)
                    .addExtension(new DeliveryReceipt(id)).build();
            if (answers.isShutdown()) {
                return; // the application is stopping: no receipt (the contact sees none; a late one could not pass)
            }
            try {
                answer(receipt);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // finish() came in between: as above
            }
        }
    }

    /** Sends {@code receipt} off the worker and waits for it there, so that {@link #finish} can wait for it. */
    private void answer(Message receipt) {
        answers.execute(() -> {
            try {
                manager.send(receipt).get(FINISH_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Not sent now: the manager keeps it encrypted and sends it later, as any message.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void onEvent(SecurityEvent event) {
    }

    /** The id a receipt in {@code message} confirms, whichever provider parsed it. */
    static Optional<String> receiptId(Message message) {
        ExtensionElement element = message.getExtensionElement(DeliveryReceipt.ELEMENT, DeliveryReceipt.NAMESPACE);
        String id = null;
        if (element instanceof DeliveryReceipt receipt) {
            id = receipt.getId();
        } else if (element instanceof StandardExtensionElement standard) {
            id = standard.getAttributeValue("id");
        }
        return id == null || id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    static boolean requestsReceipt(Message message) {
        return message.getExtensionElement(DeliveryReceiptRequest.ELEMENT, DeliveryReceiptRequest.NAMESPACE) != null;
    }

    /** Whether {@code message} is only a receipt: nothing to show. */
    public static boolean isReceipt(Message message) {
        return message.getBody() == null && receiptId(message).isPresent();
    }

    /**
     * Lets the receipts already being answered go out, for at most {@link #FINISH_WAIT}, before the application
     * stops the manager: a receipt encrypted as the connection closes would be kept and sent by the next run, from
     * another resource than the one its associated data names, which the contact must refuse (TAMPERED).
     */
    public void finish() {
        answers.shutdown();
        try {
            answers.awaitTermination(FINISH_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        manager.removeListener(this);
        answers.shutdownNow();
    }
}
