package im.sotto.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.jxmpp.jid.EntityBareJid;

/** The commands of {@code sotto chat} that look beyond the conversation shown: {@code /open} and {@code /contacts}. */
final class ChatCommands {
    private ChatCommands() {
    }

    /** {@code /open JID}: the contact to continue with, or empty (said on the screen) for a wrong or the same one. */
    static Optional<EntityBareJid> open(Online online, EntityBareJid current, String line, ChatScreen screen) {
        String[] words = line.strip().split("\\s+");
        if (words.length != 2) {
            screen.alert("! /open takes one address: /open user@domain");
            return Optional.empty();
        }
        EntityBareJid next;
        try {
            next = Jids.account(words[1]);
        } catch (CliException e) {
            screen.alert("! " + e.getMessage());
            return Optional.empty();
        }
        if (next.equals(current)) {
            screen.print("  already chatting with " + current);
            return Optional.empty();
        }
        if (next.equals(online.connection.getUser().asEntityBareJid())) {
            screen.alert("! " + next + " is this account itself");
            return Optional.empty();
        }
        return Optional.of(next);
    }

    /** {@code /contacts}: the table of {@code sotto contacts --online}, with the presence this chat sees now. */
    static void contacts(Online online, ChatScreen screen) {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        Accounts.Opened opened = online.opened;
        try {
            ContactsTable.print(new ContactsTable.Sources(Contacts.devices(opened), Contacts.lastSeen(opened),
                    contact -> online.manager.contact(Jids.account(contact)), online.subscriptions.cache(),
                    Optional.of(contact -> online.subscriptions.presenceOf(Jids.account(contact))),
                    Conversations.unreadCounter(opened.store)), new PrintStream(table, true, StandardCharsets.UTF_8));
        } catch (CliException e) {
            screen.alert("! " + e.getMessage());
            return;
        }
        table.toString(StandardCharsets.UTF_8).lines().forEach(screen::print);
    }
}
