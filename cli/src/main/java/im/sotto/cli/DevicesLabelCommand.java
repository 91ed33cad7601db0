package im.sotto.cli;

import java.time.Instant;
import java.util.concurrent.Callable;

import im.sotto.protocol.device.DeviceLabel;
import im.sotto.xmpp.AccountDevices;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sotto devices label TEXT}: names this device for the account's other devices ("laptop"). */
@Command(name = "label", mixinStandardHelpOptions = true, description = {"Names this device (\"laptop\", \"phone\") in "
        + "the list sotto devices shows on every device of the account. The label is signed with the account key, so "
        + "the server cannot swap two labels; it is published in the clear, so choose one that says nothing private.",
        "sotto account link JID --label TEXT sets it when linking."})
final class DevicesLabelCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "TEXT", description = "At most 64 bytes of UTF-8, no control characters.")
    String label;

    @Override
    public Integer call() {
        Accounts.Entry entry = Accounts.choose(common);
        check(label);
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            OwnAccountConnection.run(common, entry, "publish the label", connection -> {
                AccountDevices.label(opened.account, connection, label, Instant.now());
                return null;
            });
            System.out.println("Device " + opened.account.device().deviceId() + " of " + entry.jid() + " is labelled "
                    + "\"" + label + "\"");
        }
        return ExitCode.OK;
    }

    static void check(String label) {
        if (label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > DeviceLabel.MAX_LABEL_BYTES
                || label.codePoints().anyMatch(Character::isISOControl)) {
            throw new CliException(ExitCode.USAGE, "a label is at most " + DeviceLabel.MAX_LABEL_BYTES + " bytes of "
                    + "UTF-8 without control characters");
        }
    }
}
