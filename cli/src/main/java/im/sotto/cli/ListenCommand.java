package im.sotto.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoListener;

import org.jivesoftware.smackx.iqversion.packet.Version;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sotto listen}. */
@Command(name = "listen", mixinStandardHelpOptions = true, description = {"Logs in and prints what arrives, one line "
        + "per event: decrypted messages and presences, new sessions (with their SAS), and every stanza that could "
        + "not be decrypted with its reason. Answers encrypted version requests.",
        "With --json each line is one JSON object; the first is {\"event\":\"ready\",...} once the bundle is "
        + "published.",
        "When the server drops the connection, listen says so (connection-lost), reconnects by itself like chat "
        + "(reconnecting, reconnected) and goes on; with --no-reconnect it exits with code 4 instead.",
        "Messages that arrive without Sotto are reported too, never as encrypted: unencrypted-message (with its "
        + "body) and foreign-encryption (OMEMO, OpenPGP, OTR: Sotto cannot read them)."})
public final class ListenCommand implements java.util.concurrent.Callable<Integer> {
    /** How often the wait for the end looks whether the connection was lost; a person does not notice 0.2 s. */
    private static final long POLL_MILLIS = 200;

    @Mixin
    Common common;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N decrypted messages.")
    int count;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Exit after this long (code 8 if --count "
            + "was not reached).")
    long timeout;

    @Mixin
    Strangers strangers;

    @Option(names = "--no-reconnect", description = "Exit with code 4 when the connection is lost, instead of "
            + "reconnecting.")
    boolean noReconnect;

    @Override
    public Integer call() throws InterruptedException {
        Accounts.Entry entry = Accounts.choose(common);
        EventPrinter direct = new EventPrinter(System.out, json);
        boolean hideStrangers = strangers.hides(entry);
        // Stanzas queued on the server arrive during login, before "ready": they are printed after it, in order, so
        // a script reading the events sees "ready" first.
        List<Map<String, Object>> early = new ArrayList<>();
        boolean[] started = {false};
        java.util.function.Consumer<Map<String, Object>> printer = event -> {
            synchronized (early) {
                if (started[0]) {
                    direct.print(event);
                } else {
                    early.add(event);
                }
            }
        };
        CountDownLatch messages = new CountDownLatch(count > 0 ? count : Integer.MAX_VALUE);
        CompletableFuture<Integer> connectionLost = new CompletableFuture<>();
        SottoListener listener = new SottoListener() {
            @Override
            public void onStanza(DecryptedStanza stanza) {
                if (stanza.stanza() instanceof org.jivesoftware.smack.packet.Message m
                        && im.sotto.xmpp.EncryptedReceipts.isReceipt(m)) {
                    return; // reported as the "delivered" of the message it confirms
                }
                Map<String, Object> event = EventPrinter.describe(stanza);
                printer.accept(event);
                if ("message".equals(event.get("event"))) {
                    messages.countDown();
                }
            }

            @Override
            public void onEvent(SecurityEvent event) {
                if (hideStrangers && Strangers.fromStranger(event)) {
                    return;
                }
                printer.accept(EventPrinter.describe(event));
            }
        };
        try (Accounts.Opened opened = Accounts.open(common, entry);
             Online online = Online.connect(common, opened, listener, System.err);
             StopSignals stop = StopSignals.closeOnStop(online, opened);
             Reconnector reconnector = Reconnector.watch(online.connection, new ListenReconnection(online, printer,
                     lost -> {
                         if (noReconnect) {
                             connectionLost.complete(ExitCode.CONNECTION);
                         }
                     }, !noReconnect))) {
            online.retryOutboxOnNewSessions();
            online.manager.setIqRequestHandler(request -> request.stanza() instanceof Version v
                    ? Version.createResultFor(v, new Version("Sotto", "0.1")) : null);
            online.subscriptions.onEvent(event -> printer.accept(EventPrinter.describe(event)));
            online.conversations.onMark((peer, line) -> printer.accept(EventPrinter.describe(peer, line)));
            Optional<HandOffServer> handOff = HandOffServer.start(online, entry.directory(), System.err, "listen");
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("event", "ready");
            ready.put("account", entry.jid().toString());
            ready.put("resource", online.connection.getUser().getResourceOrEmpty().toString());
            ready.put("device", opened.account.device().deviceId());
            Optional<Map<String, Object>> damage = StoreCheck.damage(opened).map(StoreCheck::event);
            synchronized (early) {
                if (json) {
                    direct.print(ready);
                } else {
                    System.err.println("Listening as " + online.connection.getUser() + " (Ctrl-C to stop) ...");
                }
                damage.ifPresent(direct::print);
                early.forEach(direct::print);
                started[0] = true;
            }
            try {
                return awaitEnd(messages, connectionLost);
            } finally {
                handOff.ifPresent(HandOffServer::close);
            }
        }
    }

    /** Until --count messages came (0), --timeout passed (8 unless no --count), or the connection was lost (4). */
    private int awaitEnd(CountDownLatch messages, CompletableFuture<Integer> connectionLost)
            throws InterruptedException {
        long deadline = timeout > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout) : Long.MAX_VALUE;
        while (!connectionLost.isDone()) {
            // Short waits so that a lost connection (with --no-reconnect) ends the wait as promptly as a message.
            if (messages.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                return ExitCode.OK;
            }
            if (System.nanoTime() - deadline > 0) {
                return count == 0 ? ExitCode.OK : ExitCode.TIMEOUT;
            }
        }
        return connectionLost.join();
    }
}
