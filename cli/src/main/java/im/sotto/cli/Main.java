package im.sotto.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import im.sotto.cli.demo.DemoCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sotto} command. */
@Command(name = "sotto", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "End-to-end encrypted XMPP chat for the terminal. Start with: sotto demo",
        footer = {"", "Secrets for scripts: SOTTO_PASSWORD (XMPP password), SOTTO_PASSPHRASE (store passphrase), or "
                + "--password-file / --passphrase-file. SOTTO_HOME (or --home) chooses where accounts live.", "",
                ExitCode.HELP})
public final class Main implements Runnable {
    /** Set by {@code --debug}: errors then carry their stack trace. */
    static volatile boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = run(args);
        SmackExit.parkReactor();
        System.exit(code);
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String... args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                StandardCharsets.UTF_8);
        System.setOut(out);
        System.setErr(err);
        // Before the logging set-up, which scans every jar for logger services (about 60 ms): no library logs here.
        Optional<Integer> handedOff = QuickHandOff.send(args);
        if (handedOff.isPresent()) {
            return handedOff.get();
        }
        if (!java.util.Arrays.asList(args).contains("--debug")) {
            quietLogging();
        }
        if (QuickHandOff.isPlainSend(args)) {
            try {
                return QuickHandOff.plainCommand(args).call();
            } catch (Exception e) {
                return failure(e, new PrintWriter(err, true));
            }
        }
        CommandLine line = new CommandLine(new Main());
        Supplier<Object> named = args.length > 0 && !"help".equals(args[0]) ? Commands.COMMANDS.get(args[0]) : null;
        if (named != null) {
            line.addSubcommand(named.get());
        } else if (!(args.length == 1 && List.of("--version", "-V").contains(args[0]))) {
            // help, usage, or a wrong command: picocli lists them all (and suggests the nearest)
            Commands.COMMANDS.values().forEach(command -> line.addSubcommand(command.get()));
        }
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        line.setExecutionExceptionHandler((e, cmd, parsed) -> failure(e, cmd.getErr()));
        line.setParameterExceptionHandler((e, parsed) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("sotto: " + e.getMessage() + "; see: sotto " + (cmd.getParent() == null ? ""
                    : cmd.getCommandName() + " ") + "--help");
            return ExitCode.USAGE;
        });
        return line.execute(args);
    }

    /** How a command's failure is told (one line; the trace with --debug) and its exit code. */
    private static int failure(Exception e, PrintWriter err) {
        // A failure the user can act on: ours, or the store's (StoreProblems keeps it as the cause).
        Optional<CliException> known = e instanceof CliException cli ? Optional.of(cli) : StoreProblems.explain(e);
        if (known.isPresent()) {
            err.println("sotto: " + known.get().getMessage());
            if (debug && known.get().getCause() != null) {
                known.get().getCause().printStackTrace(err);
            }
            return known.get().exitCode();
        }
        err.println("sotto: unexpected error: " + Connector.rootMessage(e)
                + (debug ? "" : "; run again with --debug for details"));
        if (debug) {
            e.printStackTrace(err);
        }
        return ExitCode.FAILED;
    }

    /** Smack and the JDK log through java.util.logging; a terminal program shows its own one-line errors instead. */
    private static void quietLogging() {
        LogManager.getLogManager().reset();
        Logger.getLogger("").setLevel(Level.OFF);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sotto " + (version == null ? "0.1.0-SNAPSHOT" : version)};
        }
    }

    /**
     * The commands, in the order {@code --help} lists them. Built lazily: picocli reads the annotations of every
     * command it is given (about 0.4 s of CPU for all of them), so a command line gets only the command it names.
     * In a class of its own: the fifteen constructor references cost a quick hand-off ({@link QuickHandOff}) 40 ms.
     */
    private static final class Commands {
        static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

        static {
            COMMANDS.put("demo", DemoCommand::new);
            COMMANDS.put("account", AccountCommand::new);
            COMMANDS.put("status", StatusCommand::new);
            COMMANDS.put("send", SendCommand::new);
            COMMANDS.put("listen", ListenCommand::new);
            COMMANDS.put("chat", ChatCommand::new);
            COMMANDS.put("verify", VerifyCommand::new);
            COMMANDS.put("fingerprint", FingerprintCommand::new);
            COMMANDS.put("contacts", ContactsCommand::new);
            COMMANDS.put("outbox", OutboxCommand::new);
            COMMANDS.put("devices", DevicesCommand::new);
            COMMANDS.put("trust", TrustCommand::new);
            COMMANDS.put("distrust", DistrustCommand::new);
            COMMANDS.put("certify", CertifyCommand::new);
            COMMANDS.put("help", CommandLine.HelpCommand::new);
        }
    }
}
