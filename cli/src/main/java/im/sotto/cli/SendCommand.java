package im.sotto.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;

import im.sotto.xmpp.OutboxEntry;
import im.sotto.xmpp.SottoOutbox;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto send JID [TEXT | --file FILE | < FILE]}. */
@Command(name = "send", mixinStandardHelpOptions = true, description = {"Sends one message, end-to-end encrypted. "
        + "Messages queued earlier for JID go out first.",
        "The text comes from TEXT, from --file FILE, or from standard input when neither is given (or TEXT is -): "
        + "the latter two keep it out of the process list. A message that can never be sent (more than "
        + MessageText.MAX_BODY_BYTES + " bytes, or control characters XML cannot carry) is refused with exit code "
        + "9 and nothing is queued.",
        "If no encrypted session can be made (the peer has no Sotto), the message is kept in the outbox and the exit "
        + "code is 6; every later command that logs in tries it again, and sotto outbox lists or drops it. Nothing "
        + "is ever sent in plaintext.",
        "A first contact whose server says it does not exist exits with 10 (no such user), one whose server cannot be "
        + "found with 11; nothing is queued."})
public final class SendCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    ContactPassword contactPassword;

    @Parameters(index = "0", paramLabel = "JID", description = "The recipient, user@domain.")
    String to;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TEXT", description = "The message (words are joined "
            + "with spaces); - or nothing reads it from standard input.")
    List<String> text;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the message from FILE (UTF-8; one trailing "
            + "line break is dropped).")
    Path file;

    @Override
    public Integer call() {
        EntityBareJid peer = Jids.account(to);
        // Checked before the store is opened: a message that can never go out must not reach the outbox.
        String body = MessageText.require(body());
        Accounts.Entry entry = Accounts.choose(common);
        String agreed = System.getenv(ContactPassword.VARIABLE);
        // A contact password configures the sending manager: only a command of its own can apply it.
        if (contactPassword.file == null && !contactPassword.ask && (agreed == null || agreed.isEmpty())) {
            Optional<HandOff.Answer> handedOff = HandOffClient.send(entry.directory(), peer.toString(), body);
            if (handedOff.isPresent()) { // a listen of the account runs: it sent the message (or said why not)
                return HandOffClient.print(handedOff.get());
            }
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            // Counted before the login, which tries what the outbox keeps first (in order, ahead of this message).
            Set<Long> waitedBefore = ids(opened, peer);
            try (Online online = Online.connect(common, opened, null, System.err,
                    m -> contactPassword.applyTo(m, peer, System.err))) {
                NoteToSelf.requireAnotherDevice(online, peer);
                Recipients.requireExisting(online, peer);
                send(online, peer, body, waitedBefore);
            }
        }
        return ExitCode.OK;
    }

    private static Set<Long> ids(Accounts.Opened opened, EntityBareJid peer) {
        return SottoOutbox.list(opened.account, Optional.of(peer)).stream().map(OutboxEntry::id)
                .collect(Collectors.toSet());
    }

    private static void send(Online online, EntityBareJid peer, String body, Set<Long> waitedBefore) {
        System.err.println("Sending to " + peer + " (a new session may take a moment) ...");
        try {
            online.sendOrQueue(peer, body);
        } finally {
            Set<Long> left = ids(online.opened, peer);
            long went = waitedBefore.stream().filter(id -> !left.contains(id)).count();
            if (went > 0) {
                System.err.println("Sent " + went + " queued message" + (went == 1 ? "" : "s") + " to " + peer
                        + " from the outbox.");
            }
        }
        System.out.println("sent to " + peer + ", end-to-end encrypted, trust "
                + TrustNames.of(online.manager.contact(peer)));
    }

    private String body() {
        boolean fromArguments = text != null && !text.isEmpty() && !List.of("-").equals(text);
        if (file != null) {
            if (fromArguments) {
                throw new CliException(ExitCode.USAGE, "give the message either as TEXT or with --file, not both");
            }
            return MessageText.read(file);
        }
        if (fromArguments) {
            return String.join(" ", text);
        }
        if (System.console() != null && (text == null || text.isEmpty())) {
            throw new CliException(ExitCode.USAGE, "no message: give it as TEXT, with --file FILE, or on standard "
                    + "input (sotto send JID - < FILE)");
        }
        return MessageText.read(System.in, "standard input");
    }
}
