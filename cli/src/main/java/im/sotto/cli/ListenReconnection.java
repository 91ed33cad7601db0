package im.sotto.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code sotto listen} prints while its connection comes and goes: a bot reading its output must learn that it
 * is not receiving, not see silence. After a login the binding publishes and sends what waits by itself.
 */
final class ListenReconnection implements Reconnector.Listener {
    private final Online online;
    private final Consumer<Map<String, Object>> printer;
    private final Consumer<Exception> onLost;
    private final boolean reconnecting;

    ListenReconnection(Online online, Consumer<Map<String, Object>> printer, Consumer<Exception> onLost,
            boolean reconnecting) {
        this.online = online;
        this.printer = printer;
        this.onLost = onLost;
        this.reconnecting = reconnecting;
    }

    @Override
    public void lost(Exception why) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", "connection-lost");
        event.put("detail", Connector.rootMessage(why));
        event.put("reconnecting", reconnecting);
        printer.accept(event);
        onLost.accept(why);
    }

    @Override
    public void retrying(Duration in, Exception why) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", "reconnecting");
        event.put("inSeconds", in.toSeconds());
        event.put("detail", Connector.rootMessage(why));
        printer.accept(event);
    }

    @Override
    public void back() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", "reconnected");
        event.put("resource", online.connection.getUser().getResourceOrEmpty().toString());
        printer.accept(event);
    }
}
