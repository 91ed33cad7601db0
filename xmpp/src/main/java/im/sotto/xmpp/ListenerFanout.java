package im.sotto.xmpp;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import im.sotto.xmpp.UndecryptableReason;

/**
 * The application's {@link SottoListener}s: every event and decrypted stanza goes to each, on the manager's worker
 * thread. Listeners may be added and removed from any thread.
 */
final class ListenerFanout {
    private final CopyOnWriteArrayList<SottoListener> listeners = new CopyOnWriteArrayList<>();
    /** Worker thread only: archived stanzas are being processed again, so a duplicate is expected and not reported. */
    private boolean readingArchive;

    void add(SottoListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(SottoListener listener) {
        listeners.remove(listener);
    }

    /** Runs {@code work}, the processing of archived stanzas, without reporting the duplicates it is bound to meet. */
    void readingArchive(Runnable work) {
        readingArchive = true;
        try {
            work.run();
        } finally {
            readingArchive = false;
        }
    }

    void emit(SecurityEvent event) {
        if (readingArchive && event instanceof SecurityEvent.UndecryptableStanza undecryptable
                && undecryptable.reason() == UndecryptableReason.DUPLICATE) {
            return;
        }
        for (SottoListener listener : listeners) {
            listener.onEvent(event);
        }
    }

    void deliver(DecryptedStanza stanza) {
        for (SottoListener listener : listeners) {
            listener.onStanza(stanza);
        }
    }
}
