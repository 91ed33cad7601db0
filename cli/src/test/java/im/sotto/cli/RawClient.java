package im.sotto.cli;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A plain XMPP client without Sotto (Smack alone, as any other client is to Sotto), logged in to the test's Prosody:
 * it sends what other clients send, plaintext or another scheme's ciphertext.
 */
final class RawClient implements AutoCloseable {
    /** The fallback body OMEMO clients (Conversations, Dino, Gajim) put next to their ciphertext. */
    static final String OMEMO_FALLBACK = "I sent you an OMEMO encrypted message but your client doesn't seem to "
            + "support that.";

    private final XMPPTCPConnection connection;

    RawClient(PrivateServer server, String user, String resource) throws Exception {
        String address = server.server();
        connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(server.domain()).setHost("127.0.0.1")
                .setPort(Integer.parseInt(address.substring(address.indexOf(':') + 1)))
                .setUsernameAndPassword(user, server.password(user)).setResource(resource)
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled).build());
        connection.connect().login();
    }

    private static MessageBuilder chat(String to) throws Exception {
        return StanzaBuilder.buildMessage().to(JidCreate.entityBareFrom(to)).ofType(Message.Type.chat);
    }

    void sendPlain(String to, String body) throws Exception {
        connection.sendStanza(chat(to).setBody(body).build());
    }

    /** An OMEMO 0.3 message as Conversations sends it: the encrypted element, the EME hint, the fallback body. */
    void sendOmemo(String to) throws Exception {
        StandardExtensionElement encrypted = StandardExtensionElement.builder("encrypted",
                "eu.siacs.conversations.axolotl")
                .addElement(StandardExtensionElement.builder("header", "eu.siacs.conversations.axolotl")
                        .addAttribute("sid", "12345")
                        .addElement(StandardExtensionElement.builder("key", "eu.siacs.conversations.axolotl")
                                .addAttribute("rid", "67890").setText("MwohBQ==").build())
                        .addElement("iv", "AAAAAAAAAAAAAAAA").build())
                .addElement("payload", "c290dG8gY2Fubm90IHJlYWQgdGhpcw==").build();
        StandardExtensionElement eme = StandardExtensionElement.builder("encryption", "urn:xmpp:eme:0")
                .addAttribute("namespace", "eu.siacs.conversations.axolotl").addAttribute("name", "OMEMO").build();
        connection.sendStanza(chat(to).addExtension(encrypted).addExtension(eme).setBody(OMEMO_FALLBACK).build());
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
