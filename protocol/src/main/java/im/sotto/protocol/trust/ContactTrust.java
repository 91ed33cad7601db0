package im.sotto.protocol.trust;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.DeviceCertificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The trust decisions about one peer account (bare JID): the pinned account key, how it was pinned, whether the
 * users compared a short authentication string, an external certification, the approved and pending devices, and a
 * changed key waiting for the user's decision. Immutable: every decision returns the new state, which the caller
 * stores ({@link #toRecord()}) in {@code IdentityStore.peerTrust}. Time comes from the caller's {@link Clock}.
 *
 * <p>The level is derived, not stored: {@link TrustLevel#DISTRUSTED} if the user said so; else
 * {@link TrustLevel#CERTIFIED} while a certification is valid; else {@link TrustLevel#VERIFIED} after a matching
 * SAS; else {@link TrustLevel#UNVERIFIED}. So an expired certification falls back to what else is known, and no
 * certification result can lower trust.
 */
public final class ContactTrust {
    /**
     * Devices on record per contact (approved plus pending). Real accounts have a handful; the bound keeps a record
     * small and stops a flood of certificates from growing it without limit.
     */
    public static final int MAX_DEVICES = 1000;
    /**
     * A certification counts for at most this long after it was checked, even if the certificate or key lasts
     * longer: revocation is only learned by checking again against the user's current CRLs or keyring.
     */
    public static final Duration MAX_CERTIFICATION_AGE = Duration.ofDays(365);

    final BareJid peer;
    final AccountPublicKey pinnedKey;
    final TrustSource pinnedBy;
    final Instant pinnedAt;
    final boolean distrusted;
    final Instant sasVerifiedAt;
    final Certification certification;
    final AccountPublicKey changedKey;
    final SortedSet<Long> approved;
    final SortedSet<Long> pending;

    ContactTrust(BareJid peer, AccountPublicKey pinnedKey, TrustSource pinnedBy, Instant pinnedAt,
            boolean distrusted, Instant sasVerifiedAt, Certification certification, AccountPublicKey changedKey,
            SortedSet<Long> approved, SortedSet<Long> pending) {
        this.peer = Objects.requireNonNull(peer);
        this.pinnedKey = Objects.requireNonNull(pinnedKey);
        if (pinnedBy != TrustSource.TOFU && pinnedBy != TrustSource.USER) {
            throw new IllegalArgumentException("a key is pinned on first use or by the user, not " + pinnedBy);
        }
        this.pinnedBy = pinnedBy;
        this.pinnedAt = seconds(Objects.requireNonNull(pinnedAt));
        this.distrusted = distrusted;
        this.sasVerifiedAt = sasVerifiedAt == null ? null : seconds(sasVerifiedAt);
        this.certification = certification == null ? null : new Certification(certification.method(),
                certification.subject(), certification.issuer(), seconds(certification.checkedAt()),
                seconds(certification.validUntil()));
        this.changedKey = changedKey;
        this.approved = Collections.unmodifiableSortedSet(new TreeSet<>(approved));
        this.pending = Collections.unmodifiableSortedSet(new TreeSet<>(pending));
        if (!Collections.disjoint(this.approved, this.pending)) {
            throw new IllegalArgumentException("a device is either approved or pending");
        }
        if (this.approved.size() + this.pending.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("more than " + MAX_DEVICES + " devices");
        }
        if (pinnedKey.equals(changedKey)) {
            throw new IllegalArgumentException("a changed key differs from the pinned one");
        }
    }

    /** First contact with {@code peerJid}: pin {@code accountKey}, trusted blindly ({@link TrustLevel#UNVERIFIED}). */
    public static ContactTrust onFirstContact(String peerJid, AccountPublicKey accountKey, Clock clock) {
        return new ContactTrust(BareJid.parse(peerJid), accountKey, TrustSource.TOFU, clock.instant(), false, null,
                null, null, new TreeSet<>(), new TreeSet<>());
    }

    public TrustLevel level(Clock clock) {
        return level(clock.instant());
    }

    TrustLevel level(Instant now) {
        if (distrusted) {
            return TrustLevel.DISTRUSTED;
        }
        if (certification != null && certification.isValidAt(now)) {
            return TrustLevel.CERTIFIED;
        }
        return sasVerifiedAt != null ? TrustLevel.VERIFIED : TrustLevel.UNVERIFIED;
    }

    /** How the current level was reached: TOFU or USER (unverified or distrusted), SAS, X509 or OPENPGP. */
    public TrustSource source(Clock clock) {
        switch (level(clock.instant())) {
            case DISTRUSTED:
                return TrustSource.USER;
            case CERTIFIED:
                return certification.method();
            case VERIFIED:
                return TrustSource.SAS;
            default:
                return pinnedBy;
        }
    }

    /**
     * Decides about a peer device whose certificate signature was already checked (as {@link DeviceCertificate}
     * instances always are). Unverified contacts have new devices approved on sight; verified and certified ones
     * have them put on the pending list for the user. A certificate from another account key is recorded as a
     * pending key change and never sent to.
     */
    public PeerDecision onPeerCertificate(DeviceCertificate certificate, Clock clock) {
        long id = certificate.deviceId();
        if (!certificate.accountKey().equals(pinnedKey)) {
            ContactTrust alerted = certificate.accountKey().equals(changedKey) ? this
                    : copy(distrusted, sasVerifiedAt, certification, certificate.accountKey(), approved, pending);
            return new PeerDecision(PeerDecision.Outcome.ACCOUNT_KEY_CHANGED, id, alerted);
        }
        if (distrusted) {
            return new PeerDecision(PeerDecision.Outcome.DISTRUSTED, id, this);
        }
        if (approved.contains(id)) {
            return new PeerDecision(PeerDecision.Outcome.ALLOWED, id, this);
        }
        // A device the user was asked about stays pending until the user decides, even if the level fell meanwhile
        // (an expired certification, a broken continuity): falling trust must not approve it on sight.
        if (pending.contains(id)) {
            return new PeerDecision(PeerDecision.Outcome.NEW_DEVICE_NEEDS_APPROVAL, id, this);
        }
        boolean needsApproval = level(clock.instant()).requiresDeviceApproval();
        if (approved.size() + pending.size() >= MAX_DEVICES) {
            return new PeerDecision(PeerDecision.Outcome.DEVICE_LIMIT_REACHED, id, this);
        }
        if (needsApproval) {
            return new PeerDecision(PeerDecision.Outcome.NEW_DEVICE_NEEDS_APPROVAL, id,
                    copy(distrusted, sasVerifiedAt, certification, changedKey, approved, with(pending, id)));
        }
        return new PeerDecision(PeerDecision.Outcome.ALLOWED, id,
                copy(distrusted, sasVerifiedAt, certification, changedKey, with(approved, id), without(pending, id)));
    }

    /**
     * Records the users' comparison of the short authentication string of a session in which the peer proved
     * {@code sessionAccountKey}. A match verifies the account, which covers every device its key certified, so
     * pending devices become approved, and lifts a distrust. A mismatch is evidence of interception: the key is
     * distrusted until the user decides otherwise.
     */
    public ContactTrust markVerified(AccountPublicKey sessionAccountKey, boolean sasConfirmed, Clock clock)
            throws TrustException {
        requirePinned(sessionAccountKey);
        if (!sasConfirmed) {
            return distrust();
        }
        SortedSet<Long> all = new TreeSet<>(approved);
        all.addAll(pending);
        return copy(false, clock.instant(), certification, changedKey, all, new TreeSet<>());
    }

    /** The user approves a pending device of a verified or certified contact. */
    public ContactTrust approveDevice(long deviceId) throws TrustException {
        if (!pending.contains(deviceId)) {
            throw new TrustException(TrustException.Kind.DEVICE_NOT_PENDING, "device " + deviceId + " is not pending");
        }
        return copy(distrusted, sasVerifiedAt, certification, changedKey, with(approved, deviceId),
                without(pending, deviceId));
    }

    /** Removes a device from the record (approved or pending); if it shows up again it is new again. */
    public ContactTrust forgetDevice(long deviceId) {
        return copy(distrusted, sasVerifiedAt, certification, changedKey, without(approved, deviceId),
                without(pending, deviceId));
    }

    /**
     * A device of this contact completed a handshake under its own keys but proved none of the secrets retained from
     * earlier sessions with it (docs/protocol.md 4.11: stolen keys, or a restored backup). What a SAS comparison or a
     * certification established may no longer describe who is at the other end, so both are withdrawn. A contact
     * that was verified or certified is moreover distrusted, so that nothing more is sent to it (the user relied on
     * that verification) until the users compare the SAS again ({@link #markVerified}) or the user withdraws the
     * distrust; any other falls to {@link TrustLevel#UNVERIFIED} (a distrust stays). Devices stay approved or
     * pending as they were.
     */
    public ContactTrust continuityBroken() {
        boolean reliedOn = sasVerifiedAt != null || certification != null;
        return copy(distrusted || reliedOn, null, null, changedKey, approved, pending);
    }

    /** The user distrusts the pinned key: nothing is sent to the contact until the user decides otherwise. */
    public ContactTrust distrust() {
        return copy(true, sasVerifiedAt, certification, changedKey, approved, pending);
    }

    /**
     * Records a pending key change learned without a certificate (a record migrated from an older format that
     * kept only the presented key); the pin does not move, exactly as for
     * {@link PeerDecision.Outcome#ACCOUNT_KEY_CHANGED}.
     */
    public ContactTrust withPendingKeyChange(AccountPublicKey presented) {
        if (pinnedKey.equals(presented)) {
            throw new IllegalArgumentException("a changed key differs from the pinned one");
        }
        return copy(distrusted, sasVerifiedAt, certification, presented, approved, pending);
    }

    /** The user withdraws a distrust; the level is again what the other facts say. */
    public ContactTrust withdrawDistrust() {
        return copy(false, sasVerifiedAt, certification, changedKey, approved, pending);
    }

    /**
     * The user's explicit decision to replace the pinned key (after a change alert, or by scanning a fingerprint).
     * Everything learned about the old key is dropped: the new key starts {@link TrustLevel#UNVERIFIED}, pinned by
     * the user, with no devices on record.
     */
    public ContactTrust acceptNewAccountKey(AccountPublicKey newKey, Clock clock) {
        return new ContactTrust(peer, newKey, TrustSource.USER, clock.instant(), false, null, null, null,
                new TreeSet<>(), new TreeSet<>());
    }

    /**
     * Applies the result of an X.509 or OpenPGP check. A rejection returns this state unchanged (the caller reports
     * its reason); a certification for the pinned key and this JID raises the level to CERTIFIED for at most
     * {@link #MAX_CERTIFICATION_AGE}, never shortening a longer certification already held, and never overrides
     * the user's distrust.
     */
    public ContactTrust applyCertification(CertificationResult result, Clock clock) throws TrustException {
        if (!(result instanceof CertificationResult.Certified)) {
            return this;
        }
        CertificationResult.Certified c = (CertificationResult.Certified) result;
        requirePinned(c.accountKey());
        if (!c.jid().equals(peer)) {
            throw new TrustException(TrustException.Kind.JID_MISMATCH, "certification is for " + c.jid());
        }
        Instant now = clock.instant();
        Instant cap = now.plus(MAX_CERTIFICATION_AGE);
        Instant until = c.notAfter().isBefore(cap) ? c.notAfter() : cap;
        if (!now.isBefore(until)) {
            return this;
        }
        if (certification != null && certification.isValidAt(now) && !certification.validUntil().isBefore(until)) {
            return this;
        }
        Certification applied = new Certification(c.method(), truncate(c.subject()), truncate(c.issuer()), now, until);
        return copy(distrusted, sasVerifiedAt, applied, changedKey, approved, pending);
    }

    private void requirePinned(AccountPublicKey key) throws TrustException {
        if (!pinnedKey.equals(key)) {
            throw new TrustException(TrustException.Kind.KEY_NOT_PINNED, "decision is about " + key
                    + " but " + pinnedKey + " is pinned");
        }
    }

    /** Records keep whole seconds; cutting the fraction off only ever shortens a validity. */
    private static Instant seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS);
    }

    private static String truncate(String text) {
        return ContactTrustCodec.fitText(text);
    }

    private ContactTrust copy(boolean distrusted, Instant sasVerifiedAt, Certification certification,
            AccountPublicKey changedKey, SortedSet<Long> approved, SortedSet<Long> pending) {
        return new ContactTrust(peer, pinnedKey, pinnedBy, pinnedAt, distrusted, sasVerifiedAt, certification,
                changedKey, approved, pending);
    }

    private static SortedSet<Long> with(SortedSet<Long> set, long id) {
        SortedSet<Long> out = new TreeSet<>(set);
        out.add(id);
        return out;
    }

    private static SortedSet<Long> without(SortedSet<Long> set, long id) {
        SortedSet<Long> out = new TreeSet<>(set);
        out.remove(id);
        return out;
    }

    /** The versioned opaque record for {@code IdentityStore.storePeerTrust}. */
    public byte[] toRecord() {
        return ContactTrustCodec.encode(this);
    }

    /** Loads a record written by {@link #toRecord()}; anything else is a typed error, never a default. */
    public static ContactTrust fromRecord(byte[] record) throws TrustRecordException {
        return ContactTrustCodec.decode(record);
    }

    public BareJid peer() {
        return peer;
    }

    public AccountPublicKey pinnedKey() {
        return pinnedKey;
    }

    /** {@link TrustSource#TOFU} or {@link TrustSource#USER}. */
    public TrustSource pinnedBy() {
        return pinnedBy;
    }

    public Instant pinnedAt() {
        return pinnedAt;
    }

    public boolean isDistrusted() {
        return distrusted;
    }

    public Optional<Instant> sasVerifiedAt() {
        return Optional.ofNullable(sasVerifiedAt);
    }

    public Optional<Certification> certification() {
        return Optional.ofNullable(certification);
    }

    /** A key that certified one of the contact's devices but is not the pinned one, awaiting the user's decision. */
    public Optional<AccountPublicKey> pendingKeyChange() {
        return Optional.ofNullable(changedKey);
    }

    public SortedSet<Long> approvedDevices() {
        return approved;
    }

    public SortedSet<Long> pendingDevices() {
        return pending;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ContactTrust)) {
            return false;
        }
        ContactTrust t = (ContactTrust) o;
        return peer.equals(t.peer) && pinnedKey.equals(t.pinnedKey) && pinnedBy == t.pinnedBy
                && pinnedAt.equals(t.pinnedAt) && distrusted == t.distrusted
                && Objects.equals(sasVerifiedAt, t.sasVerifiedAt) && Objects.equals(certification, t.certification)
                && Objects.equals(changedKey, t.changedKey) && approved.equals(t.approved)
                && pending.equals(t.pending);
    }

    @Override
    public int hashCode() {
        return Objects.hash(peer, pinnedKey, pinnedAt, approved, pending);
    }

    @Override
    public String toString() {
        return "ContactTrust[" + peer + " " + pinnedKey + " pinnedBy=" + pinnedBy + (distrusted ? " distrusted" : "")
                + (sasVerifiedAt != null ? " sas" : "") + (certification != null ? " " + certification.method() : "")
                + (changedKey != null ? " keyChanged" : "") + " devices=" + approved + " pending=" + pending + "]";
    }
}
