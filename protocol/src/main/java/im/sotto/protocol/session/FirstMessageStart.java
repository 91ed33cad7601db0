package im.sotto.protocol.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.offline.BundleException;
import im.sotto.protocol.offline.FirstMessageSender;
import im.sotto.protocol.offline.OutgoingFirstMessage;
import im.sotto.protocol.offline.PreKeyBundle;
import im.sotto.protocol.offline.RecipientKnowledge;

/**
 * Starts an offline session with one device from its published bundle (docs/protocol.md 6.3, 7.3): the first
 * message and the session record to store for that device. A device whose certificate is not pinned is reached only
 * through a bundle the pinned account key signed (the bundle names no key: only this check tells a bundle the server
 * substituted); a pinned device gets a first message bound to the key it proved.
 */
public final class FirstMessageStart {
    /** What starting gave. */
    public sealed interface Outcome permits Started, NotSigned, Unusable {
    }

    /**
     * The session is made: {@code record} to store (replacing the device's, see {@link SessionRecord#replacing}),
     * {@code message} to send, {@code sequence} the number the content has in the new session.
     */
    public record Started(SessionRecord record, byte[] message, long sequence) implements Outcome {
    }

    /** The bundle is not signed by the account key pinned for the peer: nothing is encrypted to it. */
    public record NotSigned() implements Outcome {
    }

    /** The bundle does not parse, or its keys are unusable. */
    public record Unusable(String why) implements Outcome {
    }

    private final FirstMessageSender sender;

    public FirstMessageStart(DeviceIdentity local, List<CipherSuite> suites, SecureRandom random, Clock clock) {
        this.sender = new FirstMessageSender(local, suites, random, clock);
    }

    /**
     * @param pinnedDevice the certificate the device proved before, which the first message is bound to (empty:
     *        blind to an unknown device, which proves itself in its first reply)
     * @param pinnedAccount the account key pinned for the peer, if any
     */
    public Outcome start(byte[] bundle, Optional<DeviceCertificate> pinnedDevice,
            Optional<AccountPublicKey> pinnedAccount, byte[] plaintext, byte[] associatedData) {
        OutgoingFirstMessage first;
        try {
            PreKeyBundle parsed = PreKeyBundle.parse(bundle);
            if (pinnedDevice.isEmpty() && pinnedAccount.isPresent()) {
                try {
                    parsed.verify(pinnedAccount.get());
                } catch (BundleException e) {
                    return new NotSigned();
                }
            }
            RecipientKnowledge knowledge = pinnedDevice.map(RecipientKnowledge::pinned)
                    .orElse(RecipientKnowledge.unknown());
            first = sender.send(parsed, knowledge, plaintext, associatedData);
        } catch (BundleException e) {
            return new Unusable(e.getMessage());
        }
        SessionRecord record = SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE, first.session().toRecord())
                .peerCertificate(pinnedDevice.map(DeviceCertificate::encoded))
                .pendingConfirmation(first.pendingConfirmation().encode()).build();
        return new Started(record, first.message(), first.session().sentCount() - 1);
    }
}
