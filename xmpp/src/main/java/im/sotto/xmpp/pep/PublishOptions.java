package im.sotto.xmpp.pep;

import javax.xml.namespace.QName;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;

/**
 * XEP-0060 {@code <publish-options/>}: preconditions a publish must meet, here {@code pubsub#access_model=open}.
 * The server creates a missing node with that configuration, or refuses with {@code precondition-not-met} when an
 * existing node differs — it never publishes a bundle under a tighter access model unnoticed. Smack 4.4 has no
 * API for it, hence this element.
 */
public final class PublishOptions implements ExtensionElement {
    public static final String ELEMENT = "publish-options";
    public static final String NAMESPACE = PubSub.NAMESPACE;
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);
    public static final String FORM_TYPE = "http://jabber.org/protocol/pubsub#publish-options";
    public static final String ACCESS_MODEL = "pubsub#access_model";
    public static final String OPEN = "open";

    /** The options every Sotto node is published with: anyone may read the bundle and the device list. */
    public static final PublishOptions OPEN_ACCESS = new PublishOptions();

    private final DataForm form = DataForm.builder(DataForm.Type.submit)
            .addField(FormField.buildHiddenFormType(FORM_TYPE))
            .addField(FormField.textSingleBuilder(ACCESS_MODEL).setValue(OPEN).build())
            .build();

    private PublishOptions() {
    }

    public DataForm form() {
        return form;
    }

    @Override
    public String getNamespace() {
        return NAMESPACE;
    }

    @Override
    public String getElementName() {
        return ELEMENT;
    }

    @Override
    public XmlStringBuilder toXML(XmlEnvironment enclosingNamespace) {
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
        xml.rightAngleBracket();
        xml.append(form.toXML(new XmlEnvironment(NAMESPACE)));
        xml.closeElement(this);
        return xml;
    }
}
