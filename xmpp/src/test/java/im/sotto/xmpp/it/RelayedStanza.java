package im.sotto.xmpp.it;

import java.util.Objects;

/**
 * One top-level element the {@link HostileRelay} saw, with the connection it travelled on and its direction, as the
 * text it arrived as. Immutable: a rule that edits it forwards {@link #withXml} or a string of its own.
 */
record RelayedStanza(HostileRelay.Link link, Direction direction, String xml) {
    /** Which way a stanza travels through the relay. */
    enum Direction {
        /** From the client to the server: what the client sends. */
        TO_SERVER,
        /** From the server to the client: what the client receives. */
        TO_CLIENT
    }

    RelayedStanza {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(xml, "xml");
    }

    RelayedStanza withXml(String edited) {
        return new RelayedStanza(link, direction, edited);
    }

    boolean toServer() {
        return direction == Direction.TO_SERVER;
    }

    boolean toClient() {
        return direction == Direction.TO_CLIENT;
    }

    /** The element's name as written (e.g. {@code message}, {@code iq}, {@code stream:features}). */
    String name() {
        int end = 1;
        while (end < xml.length() && " \t\r\n/>".indexOf(xml.charAt(end)) < 0) {
            end++;
        }
        return xml.substring(1, end);
    }

    /** The value of attribute {@code name} on the element itself, or null. */
    String attribute(String name) {
        int tagEnd = StanzaText.startTagEnd(xml);
        return StanzaText.attribute(xml.substring(0, tagEnd), name);
    }

    boolean contains(String text) {
        return xml.contains(text);
    }

    @Override
    public String toString() {
        return link + " " + direction + " " + xml;
    }
}
