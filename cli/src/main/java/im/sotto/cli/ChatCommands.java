package im.sotto.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.jxmpp.jid.EntityBareJid;

/**
 * The commands of {@code sotto chat} that look beyond the conversation shown: {@code /open} and {@code /contacts}, and
 * {@code /outbox} and {@code /devices}, which show what {@code sotto outbox} and {@code sotto devices} print for the
 * contact of the chat, through the same code.
 */
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

    /** {@code /outbox}: what waits to go to {@code peer}, as {@code sotto outbox JID} lists it. */
    static void outbox(Online online, EntityBareJid peer, ChatScreen screen) {
        shown(screen, out -> OutboxCommand.print(online.opened, Optional.of(peer), out));
    }

    /** {@code /devices}: {@code peer}'s devices and trust, as {@code sotto devices JID} lists them. */
    static void devices(Online online, EntityBareJid peer, ChatScreen screen) {
        shown(screen, out -> DevicesCommand.print(online.opened, online.manager, peer, out));
    }

    /** What {@code view} prints, line by line above the prompt; a failure as one alert. */
    private static void shown(ChatScreen screen, java.util.function.Consumer<PrintStream> view) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            view.accept(new PrintStream(printed, true, StandardCharsets.UTF_8));
        } catch (CliException e) {
            screen.alert("! " + e.getMessage());
            return;
        }
        printed.toString(StandardCharsets.UTF_8).lines().forEach(screen::print);
    }
}
