package im.sotto.xmpp.it;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/** Small edits of one stanza's text for hostile rules: attributes by string, structure through a DOM. */
final class StanzaText {
    private StanzaText() {
    }

    /** The end (exclusive) of the element's start tag, skipping '>' inside quoted attribute values. */
    static int startTagEnd(String xml) {
        char quote = 0;
        for (int i = 1; i < xml.length(); i++) {
            char c = xml.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no start tag in " + xml);
    }

    static String attribute(String startTag, String name) {
        Matcher matcher = attributePattern(name).matcher(startTag);
        return matcher.find() ? matcher.group(2) : null;
    }

    /** Sets attribute {@code name} of the element itself (adding it if absent); {@code value} is written as is. */
    static String withAttribute(String xml, String name, String value) {
        int tagEnd = startTagEnd(xml);
        String startTag = xml.substring(0, tagEnd);
        Matcher matcher = attributePattern(name).matcher(startTag);
        String edited;
        if (matcher.find()) {
            edited = startTag.substring(0, matcher.start(2)) + value + startTag.substring(matcher.end(2));
        } else {
            int insertAt = startTag.endsWith("/>") ? tagEnd - 2 : tagEnd - 1;
            edited = startTag.substring(0, insertAt) + " " + name + "='" + value + "'" + startTag.substring(insertAt);
        }
        return edited + xml.substring(tagEnd);
    }

    /**
     * Parses the stanza (namespace-unaware, so undeclared stream prefixes are fine), lets {@code edit} change it,
     * and writes it back without an XML declaration.
     */
    static String editDom(String xml, Consumer<Element> edit) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element root = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)))
                    .getDocumentElement();
            edit.accept(root);
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(root), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot edit " + xml, e);
        }
    }

    private static Pattern attributePattern(String name) {
        return Pattern.compile("\\s" + Pattern.quote(name) + "\\s*=\\s*(['\"])(.*?)\\1", Pattern.DOTALL);
    }
}
