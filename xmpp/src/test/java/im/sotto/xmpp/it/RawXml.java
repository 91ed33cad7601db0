package im.sotto.xmpp.it;

import org.jivesoftware.smack.packet.Nonza;
import org.jivesoftware.smack.packet.XmlEnvironment;

/** Any XML written to the stream as it is: lets a test's client send what no well-behaved client would. */
record RawXml(String xml) implements Nonza {
    @Override
    public String getNamespace() {
        return "jabber:client";
    }

    @Override
    public String getElementName() {
        return "raw";
    }

    @Override
    public CharSequence toXML(XmlEnvironment enclosingNamespace) {
        return xml;
    }
}
