package im.sotto.cli;

import im.sotto.xmpp.SecurityEvent;

import picocli.CommandLine.Option;

/**
 * Whether unencrypted and foreign-encrypted messages from strangers (neither in the roster nor known to Sotto) are
 * shown: by default they are, marked as a stranger's; {@code --hide-strangers} or {@code hide-strangers=true} in the
 * account's {@code account.properties} turns them off (spam). Messages from contacts are always shown.
 */
public final class Strangers {
    /** The account.properties key. */
    static final String SETTING = "hide-strangers";

    @Option(names = "--hide-strangers", description = "Do not show unencrypted or foreign-encrypted messages from "
            + "strangers (not in your roster, never met through Sotto). Default: the account's " + SETTING
            + " setting in account.properties, else shown.")
    boolean hide;

    /** Whether this run hides strangers' messages. */
    boolean hides(Accounts.Entry entry) {
        return hide || Boolean.parseBoolean(entry.settings().getProperty(SETTING, "false").strip());
    }

    /** An unencrypted or foreign-encrypted message from a stranger. */
    static boolean fromStranger(SecurityEvent event) {
        return event instanceof SecurityEvent.UnencryptedMessage u && u.stranger()
                || event instanceof SecurityEvent.ForeignEncryption f && f.stranger();
    }
}
