package im.sotto.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import im.sotto.xmpp.AccountDevices;
import im.sotto.xmpp.pep.PepException;

import org.jxmpp.jid.BareJid;

/**
 * The answers of a running {@code listen} (or {@code chat}) to the commands that only read, {@code outbox},
 * {@code devices}, {@code fingerprint} and {@code status}, to the trust decisions {@code trust} (OMEMO devices
 * included), {@code distrust} and {@code verify} (HandOffVerify), and to {@code outbox drop}, {@code devices remove}
 * and {@code certify}: each prints here what it prints on its own, from the listen's open store and manager and, where
 * it needs the server, its connection (no second login; what a decision releases goes out at once). Each answer is the command's output and exit code;
 * a failure is the command's own error line.
 */
final class HandOffViews {
    private HandOffViews() {
    }

    static HandOff.Answer answer(Online online, HandOff.Request request) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try {
            int exit = show(online, request, out);
            return new HandOff.Answer(exit, bytes.toString(StandardCharsets.UTF_8), "");
        } catch (CliException e) {
            return new HandOff.Answer(e.exitCode(), bytes.toString(StandardCharsets.UTF_8),
                    "sotto: " + e.getMessage() + "\n");
        }
    }

    private static int show(Online online, HandOff.Request request, PrintStream out) {
        Accounts.Opened opened = online.opened;
        if (request instanceof HandOff.Outbox outbox) {
            Optional<BareJid> to = outbox.to().map(Jids::account);
            OutboxCommand.print(opened, to, out);
        } else if (request instanceof HandOff.Devices devices) {
            if (devices.jid().isPresent()) {
                DevicesCommand.print(opened, online.manager, Jids.account(devices.jid().get()), out);
            } else {
                try {
                    OwnDevicesView.print(AccountDevices.list(opened.account, online.connection), out);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(ExitCode.FAILED, "interrupted", e);
                } catch (PepException e) {
                    throw new CliException(ExitCode.CONNECTION, "cannot read the account's devices: " + e.kind()
                            + " (" + e.getMessage() + ")", e);
                }
            }
        } else if (request instanceof HandOff.Fingerprint fingerprint) {
            FingerprintCommand.print(opened, fingerprint.qr(), out);
        } else if (request instanceof HandOff.Status) {
            return StatusCommand.print(opened, online.connection, out);
        } else if (request instanceof HandOff.Trust trust) {
            TrustCommand.decide(online.manager, Jids.account(trust.jid()), trust.acceptNewKey(), trust.device(), true,
                    out);
        } else if (request instanceof HandOff.TrustOmemo trust) {
            TrustCommand.verifyOmemoDevice(online.manager, Jids.account(trust.jid()), trust.omemo2(), trust.device(),
                    out);
        } else if (request instanceof HandOff.DistrustOmemo distrust) {
            DistrustCommand.distrustOmemoDevice(online.manager, Jids.account(distrust.jid()), distrust.omemo2(),
                    distrust.device(), out);
        } else if (request instanceof HandOff.OutboxDrop drop) {
            OutboxCommand.Drop.drop(opened, drop.id(), out);
        } else if (request instanceof HandOff.DevicesRemove remove) {
            DevicesRemoveCommand.revoke(opened, online.connection, remove.device(), out, out);
        } else if (request instanceof HandOff.Distrust distrust) {
            DistrustCommand.decide(online.manager, Jids.account(distrust.jid()), out);
        } else if (request instanceof HandOff.Verify verify) {
            out.print(HandOffVerify.shown(online, Jids.account(verify.jid())));   // the question: no line end
        } else if (request instanceof HandOff.VerifyAnswer answer) {
            out.println(HandOffVerify.record(online, answer));
        } else if (request instanceof HandOff.Certify certify) {
            try {
                CertifyCommand.apply(opened.entry, opened.account, CertifyCommand.Given.of(certify.files()), out);
            } catch (java.io.IOException e) {
                throw new CliException(ExitCode.STORE, "cannot keep the files in " + opened.entry.directory() + ": "
                        + e.getMessage(), e);
            }
        } else {
            throw new CliException(ExitCode.USAGE, "not a request this listen answers here");
        }
        return ExitCode.OK;
    }
}
