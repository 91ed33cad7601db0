package im.sotto.xmpp.it;

import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.xmpp.element.SottoEncrypted;

/** The binary Sotto message inside one {@code <encrypted/>} element of a stanza's text, read and rewritten. */
final class SottoPayload {
    /** Changes payload bytes in place. */
    interface Edit {
        void edit(byte[] payload);
    }

    private SottoPayload() {
    }

    /**
     * A Sotto element of {@code kind} with its payload as group 1: {@code kind='...'}, which a ratchet message leaves
     * out (a missing kind means ratchet) and may still carry.
     */
    static Pattern element(SottoEncrypted.Kind kind) {
        String attribute = " kind=['\"]" + Pattern.quote(kind.wireName()) + "['\"]";
        return Pattern.compile("<encrypted xmlns=['\"]" + Pattern.quote(SottoEncrypted.NAMESPACE) + "['\"]"
                + (kind == SottoEncrypted.Kind.DEFAULT ? "(?:" + attribute + ")?" : attribute) + ">([^<]+)</encrypted>");
    }

    /** How many Sotto elements of {@code kind} the stanza's text holds. */
    static long count(String stanza, SottoEncrypted.Kind kind) {
        return element(kind).matcher(stanza).results().count();
    }

    /** The decoded payload of the first element of {@code kind}, if the stanza has one. */
    static Optional<byte[]> of(String stanza, SottoEncrypted.Kind kind) {
        Matcher matcher = element(kind).matcher(stanza);
        return matcher.find() ? Optional.of(Base64.getDecoder().decode(matcher.group(1).trim())) : Optional.empty();
    }

    /** The stanza with the first element of {@code kind} decoded, edited and encoded again. */
    static String edit(String stanza, SottoEncrypted.Kind kind, Edit edit) {
        Matcher matcher = element(kind).matcher(stanza);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no " + kind + " element in " + stanza);
        }
        byte[] payload = Base64.getDecoder().decode(matcher.group(1).trim());
        edit.edit(payload);
        return stanza.substring(0, matcher.start(1)) + Base64.getEncoder().encodeToString(payload)
                + stanza.substring(matcher.end(1));
    }
}
