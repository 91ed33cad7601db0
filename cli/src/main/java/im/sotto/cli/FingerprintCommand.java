package im.sotto.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import com.google.zxing.qrcode.encoder.QRCode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sotto fingerprint [--qr]}. */
@Command(name = "fingerprint", mixinStandardHelpOptions = true, description = "Shows this account's full "
        + "fingerprint (the same on all its devices), and with --qr a QR code of it drawn in the terminal. Works "
        + "offline.")
public final class FingerprintCommand implements Callable<Integer> {
    /** Blank modules around the code so scanners find its edges. */
    private static final int QUIET_ZONE = 2;

    @Mixin
    Common common;

    @Option(names = "--qr", description = "Also draw a QR code (scan it to compare).")
    boolean qr;

    @Override
    public Integer call() {
        Accounts.Entry entry = Accounts.choose(common);
        Optional<HandOff.Answer> fromListen = HandOffClient.read(entry.directory(), new HandOff.Fingerprint(qr));
        if (fromListen.isPresent()) { // a listen of the account holds the store: it answers
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            print(opened, qr, System.out);
        }
        return ExitCode.OK;
    }

    /** What {@code sotto fingerprint [--qr]} prints, here or in a running listen. */
    static void print(Accounts.Opened opened, boolean qr, PrintStream out) {
        out.println(opened.entry.jid() + " " + opened.account.fingerprint().displayForm());
        if (qr) {
            out.print(draw(opened.account.fingerprint().qrPayload()));
            out.println(opened.account.fingerprint().qrPayload());
        }
    }

    /**
     * The QR code of {@code text} with Unicode half blocks: each character is two modules stacked, dark modules
     * drawn as the terminal's background so the code reads on dark and light themes alike when inverted.
     */
    static String draw(String text) {
        ByteMatrix matrix;
        try {
            QRCode code = Encoder.encode(text, ErrorCorrectionLevel.M, Map.of(EncodeHintType.CHARACTER_SET, "UTF-8"));
            matrix = code.getMatrix();
        } catch (WriterException e) {
            throw new CliException(ExitCode.FAILED, "cannot make a QR code: " + e.getMessage(), e);
        }
        int size = matrix.getWidth();
        StringBuilder out = new StringBuilder();
        for (int y = -QUIET_ZONE; y < size + QUIET_ZONE; y += 2) {
            for (int x = -QUIET_ZONE; x < size + QUIET_ZONE; x++) {
                boolean top = dark(matrix, x, y);
                boolean bottom = dark(matrix, x, y + 1);
                // Light modules are drawn (full block), dark ones left blank: white-on-dark terminals show a
                // normal black-on-white code.
                out.append(!top && !bottom ? '█' : !top ? '▀' : !bottom ? '▄' : ' ');
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static boolean dark(ByteMatrix matrix, int x, int y) {
        return x >= 0 && y >= 0 && x < matrix.getWidth() && y < matrix.getHeight() && matrix.get(x, y) == 1;
    }
}
