package im.sotto.cli;

/** The exit codes of every command, listed in {@code sotto --help}. */
public final class ExitCode {
    /** Done; for the demo: every check passed. */
    public static final int OK = 0;
    /** A check failed (demo), or an unexpected error (run again with --debug). */
    public static final int FAILED = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** The server refused the account's password. */
    public static final int AUTH = 3;
    /** The server cannot be reached, or the connection failed or is not secure enough. */
    public static final int CONNECTION = 4;
    /**
     * The account's store cannot be opened or used: no such account, wrong passphrase, in use by another process,
     * damaged, disk full, not writable.
     */
    public static final int STORE = 5;
    /** Not sent: no encrypted session could be made (the message stays queued, never sent in plaintext). */
    public static final int NOT_SENT = 6;
    /** Verification failed: the SAS did not match, the peer's key changed, or the contact password did not match. */
    public static final int NOT_VERIFIED = 7;
    /** Nothing arrived in the time given ({@code listen --timeout}). */
    public static final int TIMEOUT = 8;
    /** Refused before anything was queued: the message can never be sent (too large, or not text XML can carry). */
    public static final int REFUSED = 9;
    /** The recipient does not exist: its server bounced a message for it as "no such user". Nothing was queued. */
    public static final int NO_SUCH_USER = 10;
    /** The recipient's server cannot be found or reached ("remote server not found"). Nothing was queued. */
    public static final int NO_SUCH_SERVER = 11;
    /**
     * {@code account add} refused: the server already lists Sotto devices of this account, under another account key;
     * link this device instead ({@code sotto account link}), or replace the key with {@code --new-account-key}.
     */
    public static final int OTHER_ACCOUNT_KEY = 12;
    /** Nothing was linked: the link code was wrong, expired or used, or no device answered in time. */
    public static final int NOT_LINKED = 13;

    static final String HELP = "Exit codes:%n"
            + "  0  done (demo: every check passed)%n"
            + "  1  a demo check failed, or an unexpected error (run again with --debug)%n"
            + "  2  wrong command line%n"
            + "  3  the server refused the password%n"
            + "  4  the server cannot be reached, or the connection is not secure enough%n"
            + "  5  the account's store cannot be opened or used (no such account, wrong passphrase, in use, "
            + "damaged, disk full, not writable)%n"
            + "  6  not sent: no encrypted session (the message stays queued, never sent in plaintext)%n"
            + "  7  not verified: the SAS did not match, the peer's key changed, or the contact password did not "
            + "match%n"
            + "  8  timed out waiting%n"
            + "  9  refused, nothing queued: the message can never be sent (too large, or characters XML cannot "
            + "carry)%n"
            + "  10 no such user: the recipient's server says the account does not exist (nothing queued)%n"
            + "  11 no such server: the recipient's server cannot be found (nothing queued)%n"
            + "  12 account add refused: the server lists Sotto devices of this account under another account key "
            + "(use sotto account link, or --new-account-key)%n"
            + "  13 not linked: the link code was wrong, expired or used, or no device answered in time";

    private ExitCode() {
    }
}
