package im.sotto.bench.prosody;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Chat throughput through a real Prosody on loopback at saturation, plaintext against Sotto, with the same clients.
 *
 * <p>Each {@link ChatPair} (alice to bob's full JID; one pair in plaintext, one with {@code SottoManager} on both sides)
 * runs rounds of {@code messages} chat messages through a {@link SlidingWindow}: at most {@code window} messages not
 * yet counted by the receiver, the round ending when the receiver counted all of them. A window of 1 is a round trip
 * per message (latency); a large one keeps the pipe full (throughput), and the sweep over window sizes shows where
 * the rate stops growing. Both pairs use the same server, accounts, bodies, windows and socket options, and run in one
 * process; rounds alternate plaintext and Sotto so that a change in the machine's load hits both, and the median
 * round of each is reported with the CPU that the client JVM, the server and everything else used during it
 * ({@link CpuMeter}). Client sockets have {@code TCP_NODELAY} on unless {@code --nagle} is given; the server's
 * setting is the one it was started with ({@code PROSODY_NODELAY} in the properties, see scripts/xmpp-servers.sh).
 *
 * <p>Usage: {@code ProsodyThroughput servers.properties [--messages N] [--rounds R] [--bodies 200,1000,3000]
 * [--windows 1,16,all] [--nagle]}. The headline figure is the first body size at the last window. Prints
 * {@code prosody<TAB>label<TAB>value} lines and one {@code prosody-sweep} line per body, window and kind.
 */
public final class ProsodyThroughput {
    private final Properties servers;
    private final Options options;

    ProsodyThroughput(Properties servers, Options options) {
        this.servers = servers;
        this.options = options;
    }

    /** The command line, with the quick run's values as defaults. */
    record Options(int messages, int rounds, List<Integer> bodies, List<String> windows, boolean noDelay) {
        static Options parse(String[] args, int from) {
            int messages = 1000;
            int rounds = 3;
            List<Integer> bodies = List.of(200);
            List<String> windows = List.of("16", "all");
            boolean noDelay = true;
            for (int i = from; i < args.length; i++) {
                switch (args[i]) {
                    case "--messages" -> messages = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--bodies" -> bodies = List.of(args[++i].split(",")).stream().map(Integer::valueOf)
                            .collect(Collectors.toList());
                    case "--windows" -> windows = List.of(args[++i].split(","));
                    case "--nagle" -> noDelay = false;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(messages, rounds, bodies, windows, noDelay);
        }

        /** A window's size: "all" streams the whole round. */
        int windowSize(String window) {
            return window.equals("all") ? messages : Integer.parseInt(window);
        }
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        new ProsodyThroughput(p, Options.parse(args, 1)).run();
    }

    /** One measured round. */
    record Round(int messages, CpuMeter.Usage usage) {
        double rate() {
            return messages / (usage.wall() / 1e9);
        }
    }

    void run() throws Exception {
        CpuMeter meter = new CpuMeter(serverPid());
        try (ChatPair plain = ChatPair.plaintext(servers, options.noDelay());
                ChatPair sotto = ChatPair.sotto(servers, options.noDelay())) {
            print("client TCP_NODELAY", Boolean.toString(plain.noDelay() && sotto.noDelay()));
            print("server TCP_NODELAY", servers.getProperty("PROSODY_NODELAY", "false"));
            // Warm both paths (JIT, the server's caches) at every body size, and make Sotto's session.
            String last = options.windows().get(options.windows().size() - 1);
            for (int body : options.bodies()) {
                for (ChatPair pair : List.of(plain, sotto)) {
                    pair.round(options.messages() / 2, options.windowSize(last), "x".repeat(body));
                }
            }
            Round headPlain = null;
            Round headSotto = null;
            for (int body : options.bodies()) {
                for (String window : options.windows()) {
                    List<Round> p = new ArrayList<>();
                    List<Round> s = new ArrayList<>();
                    for (int i = 0; i < options.rounds(); i++) {
                        p.add(measure(meter, plain, body, window));
                        s.add(measure(meter, sotto, body, window));
                    }
                    Round mp = median(p);
                    Round ms = median(s);
                    sweep(body, window, plain.kind(), mp, p);
                    sweep(body, window, sotto.kind(), ms, s);
                    if (body == options.bodies().get(0) && window.equals(last)) {
                        headPlain = mp;
                        headSotto = ms;
                    }
                }
            }
            String what = String.format(Locale.ROOT, "%d B, window %s, median of %d rounds of %d",
                    options.bodies().get(0), last, options.rounds(), options.messages());
            print("plaintext msg/s (" + what + ")", String.format(Locale.ROOT, "%.0f", headPlain.rate()));
            print("Sotto msg/s (" + what + ")", String.format(Locale.ROOT, "%.0f", headSotto.rate()));
            print("Sotto / plaintext", String.format(Locale.ROOT, "%.3f", headSotto.rate() / headPlain.rate()));
        }
    }

    private Round measure(CpuMeter meter, ChatPair pair, int body, String window) throws Exception {
        String text = "x".repeat(body);
        CpuMeter.Snapshot before = meter.now();
        pair.round(options.messages(), options.windowSize(window), text);
        return new Round(options.messages(), meter.now().since(before));
    }

    /** body, window, kind, msg/s, client cores, server cores, other cores, client µs/msg, server µs/msg, rounds. */
    private static void sweep(int body, String window, String kind, Round m, List<Round> all) {
        CpuMeter.Usage u = m.usage();
        System.out.printf(Locale.ROOT, "prosody-sweep\t%d\t%s\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t%s%n", body,
                window, kind, m.rate(), u.clientCores(), u.serverCores(), u.otherCores(),
                u.client() / 1e3 / m.messages(), u.server() < 0 ? Double.NaN : u.server() / 1e3 / m.messages(),
                all.stream().map(r -> String.format(Locale.ROOT, "%.0f", r.rate())).collect(Collectors.joining(" ")));
    }

    private static void print(String label, String value) {
        System.out.println("prosody\t" + label + "\t" + value);
    }

    private long serverPid() {
        String file = servers.getProperty("PROSODY_PID_FILE");
        try {
            return file == null ? -1 : Long.parseLong(Files.readString(Path.of(file)).trim());
        } catch (Exception e) {
            return -1;
        }
    }

    private static Round median(List<Round> rounds) {
        List<Round> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(Round::rate));
        return sorted.get(sorted.size() / 2);
    }
}
