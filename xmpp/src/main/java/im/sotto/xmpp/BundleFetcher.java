package im.sotto.xmpp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jxmpp.jid.BareJid;

/**
 * Fetches a peer's device list and bundles (PEP) for offline first messages, off the manager's worker thread: the
 * bundles in parallel, the whole under one deadline. A peer whose server never answers then delays only the stanzas
 * for that peer, never every other conversation (the worker used to wait for each fetch in turn).
 */
final class BundleFetcher {
    /**
     * The most one offline setup may take: the device list, then every bundle at once, each bounded by Smack's reply
     * timeout (5 s by default, 10 s in the tests); this covers both steps with room for a slow but working server.
     */
    static final Duration DEADLINE = Duration.ofSeconds(30);
    /**
     * Fetches running at once, across peers. Each is a thread waiting for one iq; a handful is more than the usual
     * first contact needs (one peer, a few devices), and bounds what a flood of new peers can start.
     */
    static final int THREADS = 4;

    /** What fetching found. */
    sealed interface Outcome {
    }

    /** The bundles by device id (empty when the list names no device but this one). */
    record Bundles(Map<Long, byte[]> byDevice) implements Outcome {
    }

    /** The peer's server answered, and publishes nothing usable: the diagnosis. */
    record Unusable(String why) implements Outcome {
    }

    /** The peer's server did not answer within the reply timeout or the deadline: worth trying again later. */
    record NoAnswer(String why) implements Outcome {
    }

    private final PeerDirectory directory;
    private final ExecutorService threads;

    BundleFetcher(PeerDirectory directory, String name) {
        this.directory = directory;
        this.threads = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Fetches {@code peer}'s bundles, skipping {@code ownDevice} (for our own account's other devices). */
    CompletableFuture<Outcome> fetch(BareJid peer, long ownDevice) {
        return CompletableFuture.supplyAsync(() -> call(() -> directory.deviceList(peer)), threads)
                .thenCompose(devices -> {
                    List<CompletableFuture<Map.Entry<Long, byte[]>>> bundles = new ArrayList<>();
                    for (DeviceId device : devices) {
                        if (device.value() != ownDevice) {
                            bundles.add(CompletableFuture.supplyAsync(() -> Map.entry((long) device.value(),
                                    call(() -> directory.bundle(peer, device))), threads));
                        }
                    }
                    return CompletableFuture.allOf(bundles.toArray(CompletableFuture[]::new)).thenApply(done -> {
                        Map<Long, byte[]> byDevice = new LinkedHashMap<>();
                        bundles.forEach(b -> byDevice.put(b.join().getKey(), b.join().getValue()));
                        return (Outcome) new Bundles(byDevice);
                    });
                })
                .orTimeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> diagnose(peer, failure));
    }

    private static Outcome diagnose(BareJid peer, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return new NoAnswer("no answer from " + peer.getDomain() + " for " + peer + "'s bundles within "
                    + DEADLINE.toSeconds() + " s");
        }
        if (cause instanceof PepException pep) {
            return pep.kind() == PepException.Kind.NO_RESPONSE ? new NoAnswer(peer + "'s bundles: " + pep.getMessage())
                    : new Unusable(peer + " publishes no usable Sotto bundle: " + pep.getMessage());
        }
        return new NoAnswer(peer + "'s bundles could not be fetched: " + cause);
    }

    /** A PEP fetch; its checked failure travels as the future's cause. */
    private interface Fetch<T> {
        T get() throws PepException, InterruptedException;
    }

    private static <T> T call(Fetch<T> fetch) {
        try {
            return fetch.get();
        } catch (PepException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /** Stops the fetch threads (the manager is disabled); fetches in flight end without a result. */
    void close() {
        threads.shutdownNow();
    }
}
