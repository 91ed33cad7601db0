package im.sotto.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.protocol.trust.OpenPgpAccountBinding;
import im.sotto.xmpp.SottoAccount;

import org.bouncycastle.openpgp.PGPException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sotto certify}: the account's optional X.509 and OpenPGP settings. */
@Command(name = "certify", mixinStandardHelpOptions = true, description = {"Optional external trust (Sotto works "
        + "without it). Checks each file given and keeps a copy in the account's directory; later commands use them.",
        "Contacts: a certificate (X.509, chaining to one of --x509-anchors) or an OpenPGP binding (signed by a key in "
        + "--openpgp-keyring) that a contact attaches to its handshake makes it CERTIFIED; a bad one is reported with "
        + "its reason and raises nothing.",
        "This account: --attach-x509 attaches its certificate chain (subject key: the account key, subjectAltName: "
        + "the JID as id-on-xmppAddr) to every online handshake; --openpgp-statement writes the bytes to sign with "
        + "your OpenPGP key (gpg --detach-sign), --attach-openpgp-signature attaches the signature.",
        "Without options: shows what is configured. Works offline. While a listen or chat of the account runs, it "
        + "checks and keeps the files and uses them from its next handshake on."})
public final class CertifyCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--x509-anchors", paramLabel = "PEM", description = "CA certificates to rely on for contacts.")
    Path anchors;

    @Option(names = "--x509-crls", paramLabel = "PEM", description = "CRLs covering those CAs' certificates.")
    Path crls;

    @Option(names = "--openpgp-keyring", paramLabel = "FILE", description = "OpenPGP public keys to rely on "
            + "(binary or armoured).")
    Path keyring;

    @Option(names = "--attach-x509", paramLabel = "PEM", description = "This account's chain, end entity first.")
    Path chain;

    @Option(names = "--openpgp-statement", paramLabel = "OUT", description = "Write the statement to sign to OUT.")
    Path statementOut;

    @Option(names = "--attach-openpgp-signature", paramLabel = "FILE", description = "The detached signature over "
            + "the statement (binary).")
    Path signature;

    /** The files the command was given, each optional (null): what the options name. */
    record Given(Path anchors, Path crls, Path keyring, Path chain, Path statementOut, Path signature) {
        /** As a hand-off request's fields ({@link HandOff#CERTIFY_FIELDS}), absolute: the listen has its own cwd. */
        Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            Path[] paths = {anchors, crls, keyring, chain, statementOut, signature};
            for (int i = 0; i < paths.length; i++) {
                if (paths[i] != null) {
                    fields.put(HandOff.CERTIFY_FIELDS.get(i), paths[i].toAbsolutePath().toString());
                }
            }
            return fields;
        }

        static Given of(Map<String, String> fields) {
            Path[] paths = new Path[HandOff.CERTIFY_FIELDS.size()];
            for (int i = 0; i < paths.length; i++) {
                String path = fields.get(HandOff.CERTIFY_FIELDS.get(i));
                paths[i] = path == null ? null : Path.of(path);
            }
            return new Given(paths[0], paths[1], paths[2], paths[3], paths[4], paths[5]);
        }
    }

    @Override
    public Integer call() throws IOException {
        Accounts.Entry entry = Accounts.choose(common);
        Given given = new Given(anchors, crls, keyring, chain, statementOut, signature);
        // A running listen or chat holds the store: it keeps the files and uses them from its next handshake on.
        Optional<HandOff.Answer> fromListen = HandOffClient.change(entry.directory(), new HandOff.Certify(
                given.fields()));
        if (fromListen.isPresent()) {
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            apply(entry, opened.account, given, System.out);
        }
        return ExitCode.OK;
    }

    /**
     * Checks and keeps what {@code given} names in the account's directory, writes the statement if asked, then has
     * {@code account} use the result (a running listen's account too, for its next handshakes) and shows it.
     */
    static void apply(Accounts.Entry entry, SottoAccount account, Given given, PrintStream out) throws IOException {
        Path dir = entry.directory();
        byte[] statement = OpenPgpAccountBinding.statement(entry.jid().toString(), account.identity().publicKey());
        check(given.anchors(), given.crls(), given.keyring(), given.chain());
        keep(given.anchors(), dir, CertificationSettings.ANCHORS);
        keep(given.crls(), dir, CertificationSettings.CRLS);
        keep(given.keyring(), dir, CertificationSettings.KEYRING);
        if (given.chain() != null) {
            Files.deleteIfExists(dir.resolve(CertificationSettings.SIGNATURE));
            keep(given.chain(), dir, CertificationSettings.CHAIN);
        }
        if (given.signature() != null) {
            Files.deleteIfExists(dir.resolve(CertificationSettings.CHAIN));
            keep(given.signature(), dir, CertificationSettings.SIGNATURE);
        }
        if (given.statementOut() != null) {
            Files.write(given.statementOut(), statement);
            out.println("Wrote the statement to sign to " + given.statementOut() + " (" + statement.length
                    + " bytes); sign it with your OpenPGP key, e.g. gpg --detach-sign, then --attach-openpgp-signature");
        }
        // Loading the result checks that it fits together (and fits in a handshake).
        account.useExternalTrust(CertificationSettings.load(dir, entry.jid().toString(),
                account.identity().publicKey()));
        show(dir, out);
    }

    private static void check(Path anchors, Path crls, Path keyring, Path chain) {
        try {
            if (anchors != null) {
                CertificationSettings.certificates(anchors);
            }
            if (crls != null) {
                CertificationSettings.crls(crls);
            }
            if (keyring != null) {
                CertificationSettings.keyring(keyring);
            }
            if (chain != null) {
                CertificationSettings.certificates(chain);
            }
        } catch (IOException | GeneralSecurityException | PGPException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + e.getMessage() + "; nothing was changed", e);
        }
    }

    private static void keep(Path file, Path dir, String name) throws IOException {
        if (file != null) {
            Files.copy(file, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void show(Path dir, PrintStream out) throws IOException {
        try {
            out.println("X.509 anchors: " + (Files.exists(dir.resolve(CertificationSettings.ANCHORS))
                    ? names(CertificationSettings.certificates(dir.resolve(CertificationSettings.ANCHORS))) : "none"));
            out.println("X.509 CRLs: " + (Files.exists(dir.resolve(CertificationSettings.CRLS))
                    ? CertificationSettings.crls(dir.resolve(CertificationSettings.CRLS)).size() : "none (revocation "
                    + "not checked)"));
            out.println("OpenPGP keyring: " + (Files.exists(dir.resolve(CertificationSettings.KEYRING))
                    ? CertificationSettings.keyring(dir.resolve(CertificationSettings.KEYRING)).size() + " keys"
                    : "none"));
            String attached = "none";
            if (Files.exists(dir.resolve(CertificationSettings.CHAIN))) {
                attached = "X.509 " + names(CertificationSettings.certificates(dir.resolve(CertificationSettings.CHAIN)));
            } else if (Files.exists(dir.resolve(CertificationSettings.SIGNATURE))) {
                attached = "OpenPGP binding signature";
            }
            out.println("Attached to handshakes: " + attached);
        } catch (GeneralSecurityException | PGPException e) {
            throw new CliException(ExitCode.STORE, "cannot read the settings: " + e.getMessage(), e);
        }
    }

    private static String names(List<X509Certificate> certificates) {
        return certificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList().toString();
    }
}
