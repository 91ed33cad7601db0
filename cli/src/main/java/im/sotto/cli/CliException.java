package im.sotto.cli;

/**
 * A failure the user can act on, printed as one line: what failed, why, what to do. The exit code says which kind
 * of failure it was ({@link ExitCode}); the cause is shown only with {@code --debug}.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
