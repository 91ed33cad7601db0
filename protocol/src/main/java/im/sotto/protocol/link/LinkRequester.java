package im.sotto.protocol.link;

import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.crypto.RandomNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.pake.CPace;
import im.sotto.protocol.pake.CPaceResult;
import im.sotto.protocol.pake.PakeException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The new device's side of a link (docs/protocol.md 12): it makes the one-time {@link #code()} and its own device
 * key, answers the first offer (which spends the code), and turns the grant into the account's key and this
 * device's certificate. Nothing of the account reaches it unless the approver confirmed the same code.
 */
public final class LinkRequester {
    /** XMPP device lists carry 31-bit ids (docs/protocol.md 7.4). */
    public static final long MAX_DEVICE_ID = Integer.MAX_VALUE;

    /** What handling a message gave: an answer to send, or the linked identity. */
    public sealed interface Step permits Reply, Linked {
    }

    /** Send {@code message} to the approver and wait for its grant. */
    public record Reply(byte[] message) implements Step {
    }

    /** Linked: the account's identity and this device, certified by it. Store both; send nothing. */
    public record Linked(AccountIdentity account, DeviceIdentity device) implements Step {
    }

    private enum State { AWAITING_OFFER, AWAITING_GRANT, LINKED, FAILED }

    private final String accountJid;
    private final LinkCode code;
    private final Instant expiresAt;
    private final X25519KeyPair deviceKey;
    private final long deviceId;
    private final SecureRandom random;
    private State state = State.AWAITING_OFFER;
    private byte[] sessionId;
    private SecretBytes grantKey;
    private byte[] grantAad;

    private LinkRequester(String accountJid, LinkCode code, Instant expiresAt, X25519KeyPair deviceKey,
            long deviceId, SecureRandom random) {
        this.accountJid = accountJid;
        this.code = code;
        this.expiresAt = expiresAt;
        this.deviceKey = deviceKey;
        this.deviceId = deviceId;
        this.random = random;
    }

    /** A new device for {@code accountJid}: a fresh code, valid for {@link LinkCode#LIFETIME} from {@code now}. */
    public static LinkRequester create(String accountJid, SecureRandom random, Instant now) {
        Objects.requireNonNull(accountJid, "accountJid");
        LinkCode code = LinkCode.generate(random);
        X25519KeyPair key = X25519KeyPair.generate(random);
        long id;
        do {
            id = 1 + (random.nextLong() & 0x7fffffffL);
        } while (id > MAX_DEVICE_ID);
        return new LinkRequester(accountJid, code, now.plus(LinkCode.LIFETIME), key, id, random);
    }

    /** The code to show the user. */
    public LinkCode code() {
        return code;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public long deviceId() {
        return deviceId;
    }

    /**
     * Handles a message from the approver. Before an offer only an offer counts (anything else changes nothing);
     * the first offer spends the code, and from then on only that attempt's grant or abort does.
     */
    public synchronized Step handle(byte[] message, Instant now) throws LinkException {
        LinkMessage m = LinkMessage.parse(message);
        switch (state) {
            case AWAITING_OFFER:
                if (m instanceof LinkMessage.Offer offer) {
                    return answer(offer, message, now);
                }
                throw LinkException.local(LinkFailure.WRONG_SESSION, "no link attempt is under way");
            case AWAITING_GRANT:
                if (m instanceof LinkMessage.Offer) {
                    throw LinkException.local(LinkFailure.ALREADY_USED, "the link code was used already");
                }
                if (!Arrays.equals(m.sessionId(), sessionId)) {
                    throw LinkException.local(LinkFailure.WRONG_SESSION, "a link message of another attempt");
                }
                if (m instanceof LinkMessage.Abort abort) {
                    fail();
                    throw new LinkException(abort.reason(), "the approving device ended the link", true, null);
                }
                if (m instanceof LinkMessage.Grant grant) {
                    return accept(grant, now);
                }
                throw LinkException.local(LinkFailure.WRONG_SESSION, "not the approver's grant");
            default:
                throw LinkException.local(LinkFailure.ALREADY_USED, "this link attempt is over ("
                        + state.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
    }

    private Step answer(LinkMessage.Offer offer, byte[] offerBytes, Instant now) throws LinkException {
        sessionId = offer.sessionId().clone();
        state = State.FAILED; // the code is spent, whatever happens next
        if (!now.isBefore(expiresAt)) {
            throw LinkException.toTell(LinkFailure.EXPIRED, "the link code expired at " + expiresAt, sessionId);
        }
        CPace pake = CPace.responder(code.password(), LinkKeys.channelIdentifier(accountJid), sessionId, new byte[0],
                random);
        CPaceResult result;
        try {
            result = pake.finish(offer.pakeMessage());
        } catch (PakeException e) {
            throw LinkException.toTell(LinkFailure.MALFORMED, "the approver's CPace message: " + e.getMessage(),
                    sessionId);
        }
        byte[] share = pake.message();
        byte[] transcript = new ByteWriter().bytes(offerBytes)
                .bytes(new LinkMessage.Accept(sessionId, share, null, null).transcriptPart()).toByteArray();
        LinkKeys keys = LinkKeys.derive(result.isk(), sessionId, transcript);
        byte[] request = new ByteWriter().u32(deviceId).bytes(deviceKey.publicKey()).toByteArray();
        SealedBox box = new RandomNonceAead(LinkKeys.AEAD, keys.request, random).seal(transcript, request);
        byte[] accept = LinkMessage.encode(new LinkMessage.Accept(sessionId, share, keys.confirmation(transcript),
                box.concatenated()));
        grantKey = SecretBytes.copyOf(keys.grant.reveal());
        keys.wipe();
        grantAad = new ByteWriter().bytes(offerBytes).bytes(accept).toByteArray();
        state = State.AWAITING_GRANT;
        return new Reply(accept);
    }

    private Step accept(LinkMessage.Grant grant, Instant now) throws LinkException {
        byte[] plain = null;
        try {
            if (!now.isBefore(expiresAt)) {
                throw LinkException.toTell(LinkFailure.EXPIRED, "the link code expired at " + expiresAt, sessionId);
            }
            plain = RandomNonceAead.open(LinkKeys.AEAD, grantKey, SealedBox.fromConcatenated(grant.sealedGrant()),
                    grantAad);
            ByteReader r = new ByteReader(plain);
            int kind = r.u8();
            if (kind != LinkApprover.GRANT_ACCOUNT_KEY) {
                throw LinkException.toTell(LinkFailure.MALFORMED, "grant kind " + kind, sessionId);
            }
            SecretBytes seed = r.secret(Ed25519.SEED_LENGTH);
            DeviceCertificate certificate = DeviceCertificate.parse(r.vector16(LinkMessage.MAX_BOX, "certificate"));
            r.expectEnd();
            AccountIdentity account = AccountIdentity.fromSeed(seed);
            if (!certificate.accountKey().equals(account.publicKey()) || certificate.deviceId() != deviceId
                    || !Arrays.equals(certificate.deviceKey(), deviceKey.publicKey())) {
                throw LinkException.toTell(LinkFailure.MALFORMED, "the grant's certificate is not for this device "
                        + "of this account", sessionId);
            }
            certificate.checkValidAt(now);
            state = State.LINKED;
            return new Linked(account, DeviceIdentity.restore(deviceKey, certificate));
        } catch (AuthenticationFailedException e) {
            throw LinkException.toTell(LinkFailure.WRONG_CODE, "the grant does not open: it is not from a device "
                    + "that used this code", sessionId);
        } catch (MalformedInputException | CertificateException e) {
            throw LinkException.toTell(LinkFailure.MALFORMED, "the grant: " + e.getMessage(), sessionId);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
            if (state != State.LINKED) {
                fail();
            }
            wipeGrantKey();
        }
    }

    private void fail() {
        state = State.FAILED;
        wipeGrantKey();
    }

    private void wipeGrantKey() {
        if (grantKey != null) {
            grantKey.wipe();
        }
    }

    @Override
    public String toString() {
        return "LinkRequester[" + state + ", device " + deviceId + ", code redacted]";
    }
}
