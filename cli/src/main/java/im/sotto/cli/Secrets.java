package im.sotto.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Where secrets come from: a file, an environment variable, or the terminal without echo. Never printed. */
final class Secrets {
    private Secrets() {
    }

    static char[] password(Common common, String jid) {
        return obtain(common.passwordFile, "SOTTO_PASSWORD", "XMPP password for " + jid + ": ", "--password-file",
                false);
    }

    static char[] passphrase(Common common, String jid, boolean confirm) {
        return obtain(common.passphraseFile, "SOTTO_PASSPHRASE", "Passphrase for " + jid + "'s store: ",
                "--passphrase-file", confirm);
    }

    static boolean passphraseGiven(Common common) {
        return common.passphraseFile != null || (System.getenv("SOTTO_PASSPHRASE") != null
                && !System.getenv("SOTTO_PASSPHRASE").isEmpty());
    }

    static char[] obtain(Path file, String variable, String prompt, String option, boolean confirm) {
        if (file != null) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line = in.readLine();
                if (line == null || line.isEmpty()) {
                    throw new CliException(ExitCode.USAGE, option + " " + file + " is empty");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read " + option + " " + file + ": " + e.getMessage());
            }
        }
        String value = System.getenv(variable);
        if (value != null && !value.isEmpty()) {
            return value.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new CliException(ExitCode.USAGE, "no terminal to ask for the " + prompt.replaceAll(":.*", "")
                    .toLowerCase(java.util.Locale.ROOT) + ": set " + variable + " or use " + option);
        }
        char[] first = console.readPassword("%s", prompt);
        if (first == null || first.length == 0) {
            throw new CliException(ExitCode.USAGE, "nothing entered");
        }
        if (confirm) {
            char[] second = console.readPassword("%s", "Again: ");
            boolean same = Arrays.equals(first, second);
            if (second != null) {
                Arrays.fill(second, '\0');
            }
            if (!same) {
                Arrays.fill(first, '\0');
                throw new CliException(ExitCode.USAGE, "the two entries differ; run the command again");
            }
        }
        return first;
    }
}
