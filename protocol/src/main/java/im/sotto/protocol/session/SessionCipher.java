package im.sotto.protocol.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.offline.FirstReply;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;

/**
 * The session layer's cipher for one device (as libsignal's {@code session_cipher}): each call is one store
 * transaction in which every session record is decoded at most once. Transport-agnostic: peers are the core's
 * {@link BareJid}, messages are bytes.
 *
 * <p>So far it opens ratchet messages (and first replies); sealing still lives in the binding (issue 17).
 */
public final class SessionCipher {
    private final DeviceIdentity device;
    private final SecureRandom random;
    private final Clock clock;

    public SessionCipher(DeviceIdentity device, SecureRandom random, Clock clock) {
        this.device = Objects.requireNonNull(device, "device");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What opening a message came to. */
    public sealed interface Opening {
    }

    /**
     * A message one of the peer's session states opened; its advanced record is stored already. {@code current} is
     * false when a session the current one replaced opened it (a message still on the way from before the
     * replacement): it proves nothing about the current session.
     */
    public record Opened(SessionAddress address, SessionRecord state, SessionAttempt.Decrypted decrypted,
            boolean current) implements Opening {
    }

    /** No state opened the message; nothing changed. */
    public record NotOpened(SessionAttempt.Failure failure, String detail,
            Optional<SessionAttempt.KeyChange> keyChange) implements Opening {
    }

    /** What the caller does with an opened message, inside the same transaction (its envelope check and log). */
    @FunctionalInterface
    public interface OnOpened<R> {
        R accept(Stores stores, Opened opened);
    }

    /**
     * Opens a ratchet message (or first reply) from {@code peer} in one transaction: every device's current session,
     * then, for the devices whose current session does not hold the message's header key, the sessions it replaced
     * (newest first), so what the peer sent before a replacement and is still on the way is delivered. The state that
     * opens it is stored and {@code onOpened} runs in the same transaction (so a commit and its log stay atomic);
     * otherwise {@code onNotOpened} gets the strongest refusal (tampering found under any state outranks "no state
     * opens it") and nothing changes.
     */
    public <R> R openRatchet(AccountStore store, BareJid peer, byte[] payload, byte[] associatedData,
            OnOpened<R> onOpened, java.util.function.Function<NotOpened, R> onNotOpened) {
        boolean reply = FirstReply.isFirstReply(payload);
        return store.transact(stores -> {
            Opening opening = open(stores, peer, payload, associatedData, reply);
            return opening instanceof Opened opened ? onOpened.accept(stores, opened)
                    : onNotOpened.apply((NotOpened) opening);
        });
    }

    private Opening open(Stores stores, BareJid peer, byte[] payload, byte[] ad, boolean reply) {
        NotOpened failure = new NotOpened(SessionAttempt.Failure.NO_SESSION, "no session with " + peer,
                Optional.empty());
        Map<SessionAddress, SessionRecord> notCurrent = new LinkedHashMap<>();
        for (SessionAddress address : stores.sessions().devices(peer.toString())) {
            SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
            SessionAttempt.Outcome outcome = SessionAttempt.of(device, random, clock, stores, peer,
                    address.deviceId(), record, true, payload, ad, reply);
            if (outcome instanceof SessionAttempt.Decrypted decrypted) {
                SessionRecord next = decrypted.next().withPrevious(decrypted.next().previous()
                        .unexpiredAt(clock.instant()));
                stores.sessions().store(address, next.encode());
                if (decrypted.firstFromPeer()) {
                    RetainedSecretRecord.confirmedByRatchet(stores, peer, address.deviceId(), record);
                }
                return new Opened(address, next, decrypted, true);
            }
            if (outcome instanceof SessionAttempt.Refused refused && refused.decisive()) {
                return notOpened(refused);
            }
            if (outcome instanceof SessionAttempt.NotThisSession) {
                notCurrent.put(address, record);   // decoded once: the previous sessions are read from this copy
            }
            failure = strongest(outcome, failure);
        }
        Instant now = clock.instant();
        for (Map.Entry<SessionAddress, SessionRecord> device : notCurrent.entrySet()) {
            SessionRecord record = device.getValue();
            List<PreviousSessions.Entry> previous = record.previous().entries();
            for (int i = 0; i < previous.size(); i++) {
                if (previous.get(i).expiredAt(now)) {
                    continue;
                }
                SessionAttempt.Outcome outcome = SessionAttempt.of(this.device, random, clock, stores, peer,
                        device.getKey().deviceId(), previous.get(i).session(), false, payload, ad, reply);
                if (outcome instanceof SessionAttempt.Decrypted decrypted) {
                    SessionRecord next = record.withPrevious(record.previous().with(i, decrypted.next())
                            .unexpiredAt(now));
                    stores.sessions().store(device.getKey(), next.encode());
                    return new Opened(device.getKey(), decrypted.next(), decrypted, false);
                }
                if (outcome instanceof SessionAttempt.Refused refused && refused.decisive()) {
                    return notOpened(refused);
                }
                failure = strongest(outcome, failure);
            }
        }
        return failure;
    }

    private static NotOpened notOpened(SessionAttempt.Refused refused) {
        return new NotOpened(refused.failure(), refused.detail(), refused.keyChange());
    }

    private static NotOpened strongest(SessionAttempt.Outcome outcome, NotOpened failure) {
        if (failure.failure() == SessionAttempt.Failure.TAMPERED) {
            return failure;
        }
        if (outcome instanceof SessionAttempt.Refused refused) {
            return notOpened(refused);
        }
        return new NotOpened(SessionAttempt.Failure.BROKEN_SESSION,
                ((SessionAttempt.NotThisSession) outcome).detail(), Optional.empty());
    }
}
