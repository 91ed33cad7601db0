package im.sotto.protocol.trust;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * A bare account JID ({@code localpart@domainpart}, RFC 7622) in the comparable form Sotto uses for trust
 * decisions: Unicode NFC, both parts lower-cased, a trailing dot of the domain removed. This approximates the
 * PRECIS UsernameCaseMapped profile and the IDNA domain comparison closely enough for equal ASCII and
 * precomposed addresses; full PRECIS enforcement is the XMPP library's job before a JID reaches the core.
 */
public final class BareJid {
    /** RFC 7622 section 3.3 and 3.2: each part is 1 to 1023 octets of UTF-8. */
    public static final int MAX_PART_BYTES = 1023;
    /** Characters RFC 7622 section 3.3.1 forbids in a localpart. */
    private static final String LOCALPART_FORBIDDEN = "\"&'/:<>@";

    private final String localpart;
    private final String domain;

    private BareJid(String localpart, String domain) {
        this.localpart = localpart;
        this.domain = domain;
    }

    /** Parses a bare JID; throws {@link IllegalArgumentException} for anything else (a full JID included). */
    public static BareJid parse(String jid) {
        return tryParse(jid).orElseThrow(() -> new IllegalArgumentException("not a bare JID: " + jid));
    }

    public static Optional<BareJid> tryParse(String jid) {
        if (jid == null) {
            return Optional.empty();
        }
        String s = Normalizer.normalize(jid, Normalizer.Form.NFC);
        int at = s.indexOf('@');
        if (at <= 0 || s.indexOf('/') >= 0) {
            return Optional.empty();
        }
        String local = s.substring(0, at).toLowerCase(Locale.ROOT);
        String domain = s.substring(at + 1).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (!validPart(local, LOCALPART_FORBIDDEN) || !validPart(domain, "@")) {
            return Optional.empty();
        }
        return Optional.of(new BareJid(local, domain));
    }

    private static boolean validPart(String part, String forbidden) {
        int bytes = part.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_PART_BYTES) {
            return false;
        }
        return part.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                || Character.getType(c) == Character.UNASSIGNED || Character.getType(c) == Character.SURROGATE
                || forbidden.indexOf(c) >= 0);
    }

    public String localpart() {
        return localpart;
    }

    public String domain() {
        return domain;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BareJid && ((BareJid) o).localpart.equals(localpart) && ((BareJid) o).domain.equals(domain);
    }

    @Override
    public int hashCode() {
        return localpart.hashCode() * 31 + domain.hashCode();
    }

    /** The canonical text form, {@code localpart@domain}. */
    @Override
    public String toString() {
        return localpart + "@" + domain;
    }
}
