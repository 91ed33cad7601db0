package im.sotto.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import im.sotto.xmpp.SottoManager;

import org.jxmpp.jid.BareJid;

import picocli.CommandLine.Option;

/**
 * The password agreed with the contact of a command (optional; docs/protocol.md 4.12). With one, the online handshake
 * that makes a new session also runs CPace: the contact must use the same password, someone in the middle gets one
 * online guess per handshake and nothing to test offline. The binding keeps it in memory only and this CLI stores it
 * nowhere: each command that should check it is given it again, like the XMPP password, from a file, the environment
 * or the terminal (without echo), never as an argument that other users could read in the process list.
 */
public final class ContactPassword {
    static final String VARIABLE = "SOTTO_CONTACT_PASSWORD";

    @Option(names = "--contact-password-file", paramLabel = "FILE", description = "Read the password agreed with the "
            + "contact from FILE (else $SOTTO_CONTACT_PASSWORD); new sessions then also check it.")
    Path file;

    @Option(names = "--ask-contact-password", description = "Ask for the password agreed with the contact, without "
            + "echo.")
    boolean ask;

    private boolean applied;

    /** Whether the command was given a password (a file, the environment or --ask-contact-password). */
    boolean given() {
        return file != null || ask || System.getenv(VARIABLE) != null && !System.getenv(VARIABLE).isEmpty();
    }

    /** The password, if one was given; the caller wipes it. */
    Optional<char[]> read(BareJid contact) {
        if (!given()) {
            return Optional.empty();
        }
        return Optional.of(Secrets.obtain(file, VARIABLE, "Password agreed with " + contact + ": ",
                "--contact-password-file", false));
    }

    /** Hands the password (if any) to the binding for {@code contact}; says so on {@code progress}. */
    void applyTo(SottoManager manager, BareJid contact, java.io.PrintStream progress) {
        Optional<char[]> password = read(contact);
        if (password.isEmpty()) {
            return;
        }
        try {
            manager.setContactPassword(contact, password.get());
        } finally {
            Arrays.fill(password.get(), '\0');
        }
        applied = true;
        progress.println("A password is agreed with " + contact + ": new sessions check it.");
    }

    /** Whether a password was handed to the binding. */
    boolean applied() {
        return applied;
    }
}
