package im.sotto.bench.prosody;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
 * <p>Usage: {@code ProsodyThroughput servers.properties [--messages N] [--rounds R] [--warmup W]
 * [--bodies 200,1000,3000] [--windows 1,16,all] [--nagle] [--server prosody|ejabberd]}: W warm-up rounds of each kind
 * at each body size first. The headline figure is the first body size at the last window. Prints
 * {@code prosody<TAB>label<TAB>value} lines and one {@code prosody-sweep} line per body, window and kind ({@code
 * ejabberd} instead of {@code prosody} with {@code --server ejabberd}, which runs the same pairs through ejabberd).
 */
public final class ProsodyThroughput {
    /** The JIT compiler threads' group, as {@link CpuMeter} names it. */
    static final String JIT_THREADS = "C# CompilerThre";
    /** A warm-up cycle with the JIT at or below this share of the client's CPU counts as warm. */
    static final double JIT_QUIET = 0.05;
    /** Bounds the warm-up on a machine too loaded to ever get quiet (the share is printed either way). */
    static final int MAX_WARMUP_CYCLES = 40;

    private final Properties servers;
    private final Options options;
    /** The first field of every printed line: {@code prosody} or {@code ejabberd}. */
    private final String server;

    ProsodyThroughput(Properties servers, Options options) {
        this.servers = servers;
        this.options = options;
        this.server = options.server();
    }

    /** The command line, with the quick run's values as defaults. */
    record Options(int messages, int rounds, int warmup, List<Integer> bodies, List<String> windows,
            boolean noDelay, String server) {
        static Options parse(String[] args, int from) {
            int messages = 1000;
            int rounds = 3;
            int warmup = 3;
            List<Integer> bodies = List.of(200);
            List<String> windows = List.of("16", "all");
            boolean noDelay = true;
            String server = "prosody";
            for (int i = from; i < args.length; i++) {
                switch (args[i]) {
                    case "--messages" -> messages = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--bodies" -> bodies = List.of(args[++i].split(",")).stream().map(Integer::valueOf)
                            .collect(Collectors.toList());
                    case "--windows" -> windows = List.of(args[++i].split(","));
                    case "--nagle" -> noDelay = false;
                    case "--server" -> server = serverName(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(messages, rounds, warmup, bodies, windows, noDelay, server);
        }

        private static String serverName(String name) {
            if (!name.equals("prosody") && !name.equals("ejabberd")) {
                throw new IllegalArgumentException("--server is prosody or ejabberd, not " + name);
            }
            return name;
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
        Options options = Options.parse(args, 1);
        new ProsodyThroughput(asProsody(p, options.server()), options).run();
    }

    /**
     * The server's entries of scripts/xmpp-servers.sh's properties under the {@code PROSODY_} names the pairs read:
     * for ejabberd, {@code EJABBERD_HOST} becomes {@code PROSODY_HOST} and so on, so the same clients and meters run
     * against either server.
     */
    public static Properties asProsody(Properties servers, String server) {
        if (server.equals("prosody")) {
            return servers;
        }
        String prefix = server.toUpperCase(Locale.ROOT) + "_";
        Properties renamed = new Properties();
        servers.stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                .forEach(k -> renamed.setProperty("PROSODY_" + k.substring(prefix.length()), servers.getProperty(k)));
        return renamed;
    }

    /** One measured round. */
    record Round(int messages, CpuMeter.Usage usage, long stanzas) {
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
            // Warm both paths at every body size, and make Sotto's session. Short warm-ups leave the JIT compiling
            // during the measured rounds (its threads then used a third of the client's CPU in Sotto's rounds).
            String last = options.windows().get(options.windows().size() - 1);
            warmUp(meter, List.of(plain, sotto), options.windowSize(last));
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
                        threads(plain.kind(), p);
                        threads(sotto.kind(), s);
                    }
                }
            }
            String what = String.format(Locale.ROOT, "%d B, window %s, median of %d rounds of %d",
                    options.bodies().get(0), last, options.rounds(), options.messages());
            print("plaintext msg/s (" + what + ")", String.format(Locale.ROOT, "%.0f", headPlain.rate()));
            print("Sotto msg/s (" + what + ")", String.format(Locale.ROOT, "%.0f", headSotto.rate()));
            print("Sotto / plaintext", String.format(Locale.ROOT, "%.3f", headSotto.rate() / headPlain.rate()));
            // The same ratio from CPU per message (client + server): what the rates would give with the cores to
            // themselves. On a shared machine other processes change the rates far more than the CPU per message.
            print("CPU per message, plaintext / Sotto", String.format(Locale.ROOT, "%.3f",
                    cpuPerMessage(headPlain) / cpuPerMessage(headSotto)));
            // One-way streams: the sender's record keeps the send time of every message the peer has not
            // acknowledged yet (up to RatchetLimits.MAX_UNACKNOWLEDGED_TRACKED), and is read and written per message.
            print("Sotto sender's session record bytes at the end", Long.toString(sotto.senderRecordBytes()));
        }
    }

    /**
     * At least {@code --warmup} cycles (one round of each pair at each body size), then more until the JIT's threads
     * use at most {@link #JIT_QUIET} of the client's CPU in a cycle, for at most {@link #MAX_WARMUP_CYCLES}. On two
     * shared cores the compiler's queue drains slowly: after four fixed cycles it still took a whole core.
     */
    private void warmUp(CpuMeter meter, List<ChatPair> pairs, int window) throws Exception {
        double jitShare = 1;
        int cycles = 0;
        while (cycles < MAX_WARMUP_CYCLES && (cycles < options.warmup() || jitShare > JIT_QUIET)) {
            CpuMeter.Snapshot before = meter.now();
            for (int body : options.bodies()) {
                for (ChatPair pair : pairs) {
                    pair.round(options.messages(), window, "x".repeat(body));
                }
            }
            CpuMeter.Usage u = meter.now().since(before);
            jitShare = (double) u.clientThreads().getOrDefault(JIT_THREADS, 0L) / u.client();
            cycles++;
        }
        print("warm-up cycles", Integer.toString(cycles));
        print("JIT share of client CPU in the last warm-up cycle", String.format(Locale.ROOT, "%.3f", jitShare));
    }

    private Round measure(CpuMeter meter, ChatPair pair, int body, String window) throws Exception {
        String text = "x".repeat(body);
        long stanzas = pair.stanzasIn();
        CpuMeter.Snapshot before = meter.now();
        pair.round(options.messages(), options.windowSize(window), text);
        CpuMeter.Usage usage = meter.now().since(before);
        return new Round(options.messages(), usage, pair.stanzasIn() - stanzas);
    }

    /**
     * body, window, kind, msg/s, client cores, server cores, other cores, client µs/msg, server µs/msg, stanzas
     * received per message, rounds' msg/s.
     */
    private void sweep(int body, String window, String kind, Round m, List<Round> all) {
        CpuMeter.Usage u = m.usage();
        System.out.printf(Locale.ROOT, "%s-sweep\t%d\t%s\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t%.2f\t%s%n",
                server, body, window, kind, m.rate(), u.clientCores(), u.serverCores(), u.otherCores(),
                u.client() / 1e3 / m.messages(), u.server() < 0 ? Double.NaN : u.server() / 1e3 / m.messages(),
                (double) m.stanzas() / m.messages(),
                all.stream().map(r -> String.format(Locale.ROOT, "%.0f", r.rate())).collect(Collectors.joining(" ")));
    }

    /** The client's CPU per message by thread group over all rounds of {@code kind}, largest first. */
    private void threads(String kind, List<Round> rounds) {
        Map<String, Long> nanos = new TreeMap<>();
        long messages = 0;
        for (Round r : rounds) {
            r.usage().clientThreads().forEach((group, n) -> nanos.merge(group, n, Long::sum));
            messages += r.messages();
        }
        long m = messages;
        nanos.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "%s-threads\t%s\t%s\t%.1f%n", server, kind, e.getKey(),
                        e.getValue() / 1e3 / m));
    }

    /** Client and server CPU of a round per message, in nanoseconds (the client's alone if the server is unknown). */
    static double cpuPerMessage(Round r) {
        return (double) (r.usage().client() + Math.max(0, r.usage().server())) / r.messages();
    }

    private void print(String label, String value) {
        System.out.println(server + "\t" + label + "\t" + value);
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
