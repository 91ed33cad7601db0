package im.sotto.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import im.sotto.xmpp.SottoAccount;

/**
 * The account's device settings in {@code account.properties}: {@code stale-after}, how long a contact's device may
 * go unheard before nothing is encrypted to it (docs/protocol.md 7.7), as an ISO-8601 duration ({@code P30D}, the
 * default; {@code PT12H}). A value that does not parse, or is not positive, is an error, never the default.
 */
final class DeviceSettings {
    static final String STALE_AFTER = "stale-after";

    private DeviceSettings() {
    }

    static void apply(Accounts.Entry entry, SottoAccount account) {
        String value = entry.settings().getProperty(STALE_AFTER);
        if (value == null) {
            return;
        }
        Duration staleAfter;
        try {
            staleAfter = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new CliException(ExitCode.USAGE, STALE_AFTER + " in " + entry.directory().resolve(Accounts.SETTINGS)
                    + " is not an ISO-8601 duration such as P30D: " + value, e);
        }
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new CliException(ExitCode.USAGE, STALE_AFTER + " must be positive, not " + value);
        }
        account.setStaleAfter(staleAfter);
    }
}
