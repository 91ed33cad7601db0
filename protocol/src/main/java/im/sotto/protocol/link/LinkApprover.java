package im.sotto.protocol.link;

import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.RandomNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.pake.CPace;
import im.sotto.protocol.pake.CPaceResult;
import im.sotto.protocol.pake.PakeException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The existing device's side of a link (docs/protocol.md 12): the user typed the code the new device shows. Sends
 * the {@link #offer()}, then {@link #handle}s the new device's answer: only when its key confirmation proves it used
 * the same code does this side certify the new device's key and seal the grant. Single-use: one approval at most.
 */
public final class LinkApprover {
    /** Certificates start a little in the past, as {@link DeviceIdentity#create} does, for clocks that lag. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** The only grant kind so far: the account key's seed with the certificate (docs/protocol.md 12.4). */
    static final int GRANT_ACCOUNT_KEY = 1;

    /** The approval: the grant to send, and the certificate it carries (for the caller's report). */
    public record Approval(byte[] grant, DeviceCertificate certificate) {
    }

    private enum State { AWAITING_ACCEPT, APPROVED, FAILED }

    private final AccountIdentity account;
    private final DeviceCertificate own;
    private final byte[] sessionId;
    private final CPace pake;
    private final byte[] offer;
    private final SecureRandom random;
    private State state = State.AWAITING_ACCEPT;

    private LinkApprover(AccountIdentity account, DeviceCertificate own, byte[] sessionId, CPace pake,
            SecureRandom random) {
        this.account = account;
        this.own = own;
        this.sessionId = sessionId;
        this.pake = pake;
        this.random = random;
        this.offer = LinkMessage.encode(new LinkMessage.Offer(sessionId, pake.message()));
    }

    /**
     * Starts approving with the {@code code} the user typed, for the account {@code accountJid} whose key and this
     * device's certificate are given.
     */
    public static LinkApprover start(AccountIdentity account, DeviceCertificate own, String accountJid, LinkCode code,
            SecureRandom random) {
        Objects.requireNonNull(accountJid, "accountJid");
        if (!own.accountKey().equals(account.publicKey())) {
            throw new IllegalArgumentException("this device's certificate is of another account");
        }
        byte[] sessionId = new byte[LinkMessage.SESSION_ID_LENGTH];
        random.nextBytes(sessionId);
        CPace pake = CPace.initiator(code.password(), LinkKeys.channelIdentifier(accountJid), sessionId, new byte[0],
                random);
        return new LinkApprover(account, own, sessionId, pake, random);
    }

    /** The first message, to the new device. */
    public byte[] offer() {
        return offer.clone();
    }

    /**
     * Handles a message from the new device. A message of another attempt, or one that does not parse, changes
     * nothing; the attempt's own accept or abort ends it, approved or failed.
     */
    public synchronized Approval handle(byte[] message, Instant now) throws LinkException {
        LinkMessage m = LinkMessage.parse(message);
        if (!Arrays.equals(m.sessionId(), sessionId)) {
            throw LinkException.local(LinkFailure.WRONG_SESSION, "a link message of another attempt");
        }
        if (state != State.AWAITING_ACCEPT) {
            throw LinkException.local(LinkFailure.ALREADY_USED, "this approval is " + state.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (m instanceof LinkMessage.Abort abort) {
            state = State.FAILED;
            throw new LinkException(abort.reason(), "the new device ended the link", true, null);
        }
        if (!(m instanceof LinkMessage.Accept accept)) {
            throw LinkException.local(LinkFailure.WRONG_SESSION, "not the new device's answer");
        }
        state = State.FAILED; // until the grant is made
        CPaceResult result;
        try {
            result = pake.finish(accept.pakeMessage());
        } catch (PakeException e) {
            throw LinkException.toTell(LinkFailure.MALFORMED, "the new device's CPace message: " + e.getMessage(),
                    sessionId);
        }
        byte[] transcript = new ByteWriter().bytes(offer).bytes(accept.transcriptPart()).toByteArray();
        LinkKeys keys = LinkKeys.derive(result.isk(), sessionId, transcript);
        try {
            if (!ConstantTime.equals(keys.confirmation(transcript), accept.confirmation())) {
                throw LinkException.toTell(LinkFailure.WRONG_CODE, "the other device used another link code",
                        sessionId);
            }
            Request request = openRequest(keys, accept, transcript);
            DeviceCertificate certificate = account.certify(request.deviceId, request.deviceKey, own.versions(),
                    own.suiteIds(), now.minus(CLOCK_SKEW), now.plus(DeviceIdentity.DEFAULT_CERTIFICATE_VALIDITY));
            byte[] plaintext = new ByteWriter().u8(GRANT_ACCOUNT_KEY).secret(account.seed())
                    .vector16(certificate.encoded()).toByteArrayAndWipe();
            SealedBox box = new RandomNonceAead(LinkKeys.AEAD, keys.grant, random).seal(
                    new ByteWriter().bytes(offer).bytes(message).toByteArray(), plaintext);
            Arrays.fill(plaintext, (byte) 0);
            state = State.APPROVED;
            return new Approval(LinkMessage.encode(new LinkMessage.Grant(sessionId, box.concatenated())),
                    certificate);
        } finally {
            keys.wipe();
        }
    }

    private record Request(long deviceId, byte[] deviceKey) {
    }

    private Request openRequest(LinkKeys keys, LinkMessage.Accept accept, byte[] transcript) throws LinkException {
        try {
            byte[] plain = RandomNonceAead.open(LinkKeys.AEAD, keys.request,
                    SealedBox.fromConcatenated(accept.sealedRequest()), transcript);
            ByteReader r = new ByteReader(plain);
            long deviceId = r.u32();
            byte[] deviceKey = r.bytes(X25519.KEY_LENGTH);
            r.expectEnd();
            if (deviceId < 1 || deviceId > LinkRequester.MAX_DEVICE_ID || deviceId == own.deviceId()) {
                throw LinkException.toTell(LinkFailure.MALFORMED, "the new device's id " + deviceId
                        + " is out of range or this device's own", sessionId);
            }
            return new Request(deviceId, deviceKey);
        } catch (AuthenticationFailedException | MalformedInputException e) {
            throw LinkException.toTell(LinkFailure.MALFORMED, "the new device's request: " + e.getMessage(),
                    sessionId);
        }
    }

    @Override
    public String toString() {
        return "LinkApprover[" + state + "]";
    }
}
