package im.sotto.cli;

import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.xmpp.StoredTrust;

import org.jivesoftware.smack.roster.Roster;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sotto contacts}, and its subcommands that change the roster (ContactsChanges). */
@Command(name = "contacts", mixinStandardHelpOptions = true, description = {"Lists the account's contacts: those in "
        + "its roster, those it has encrypted sessions with, and those asking to see its presence. For each: presence "
        + "(available, away, busy or offline, and from which resource), subscription, Sotto devices with a session, "
        + "trust (UNAUTHENTICATED, UNVERIFIED, VERIFIED, CERTIFIED or DISTRUSTED), last seen, and notes (devices "
        + "awaiting approval, a changed account key, a certification, an unanswered request).",
        "Works offline by default: the presence shown is the last one a command that logged in saw, with its time. "
        + "--online logs in and shows the presence now.",
        "Subscription requests are never answered for you: sotto contacts accept JID or deny JID."},
        subcommands = {ContactsChanges.Add.class, ContactsChanges.Accept.class, ContactsChanges.Deny.class,
                ContactsChanges.Remove.class})
public final class ContactsCommand implements Callable<Integer> {
    /** After login the server sends the contacts' presences at once; this leaves them time to arrive. */
    private static final long PRESENCE_SETTLE_MILLIS = 1_500;
    /** The roster is the first answer after login; a server that takes longer is broken or overloaded. */
    private static final long ROSTER_WAIT_MILLIS = 10_000;

    @Mixin
    Common common;

    @Option(names = "--online", description = "Log in and show each contact's presence now (else the last one seen).")
    boolean online;

    @Override
    public Integer call() throws InterruptedException {
        Accounts.Entry entry = Accounts.choose(common);
        Optional<HandOff.Answer> fromListen = HandOffClient.contacts(entry.directory());
        if (fromListen.isPresent()) { // a listen of the account runs and holds the store: it answers, live
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            if (!online) {
                ContactsTable.print(new ContactsTable.Sources(Contacts.devices(opened), Contacts.lastSeen(opened),
                        contact -> StoredTrust.contact(opened.account, Jids.account(contact)),
                        RosterCache.load(opened.store, entry.directory(), System.err), Optional.empty(),
                        Conversations.unreadCounter(opened.store)),
                        System.out);
                OmemoContacts.print(opened, System.out);
                return ExitCode.OK;
            }
            try (Online connected = Online.connect(common, opened, null, System.err)) {
                Roster roster = connected.subscriptions.roster();
                long deadline = System.currentTimeMillis() + ROSTER_WAIT_MILLIS;
                while (!roster.isLoaded() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(PRESENCE_SETTLE_MILLIS);
                ContactsTable.print(new ContactsTable.Sources(Contacts.devices(opened), Contacts.lastSeen(opened),
                        contact -> connected.manager.contact(Jids.account(contact)), connected.subscriptions.cache(),
                        Optional.of(contact -> connected.subscriptions.presenceOf(Jids.account(contact))),
                        Conversations.unreadCounter(opened.store)),
                        System.out);
            }
            OmemoContacts.print(opened, System.out);
        }
        return ExitCode.OK;
    }
}
