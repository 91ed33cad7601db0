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
    /** The ids confirmed by every XEP-0184 receipt that reached this client (in the clear: it has no Sotto). */
    final java.util.List<String> receiptsReceived = new java.util.concurrent.CopyOnWriteArrayList<>();

    RawClient(PrivateServer server, String user, String resource) throws Exception {
        String address = server.server();
        connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(server.domain()).setHost("127.0.0.1")
                .setPort(Integer.parseInt(address.substring(address.indexOf(':') + 1)))
                .setUsernameAndPassword(user, server.password(user)).setResource(resource)
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled).build());
        connection.addAsyncStanzaListener(stanza -> {
            var receipt = stanza.getExtensionElement("received", "urn:xmpp:receipts");
            receiptsReceived.add(receipt instanceof StandardExtensionElement e ? String.valueOf(e.getAttributeValue(
                    "id")) : receipt.toXML().toString());
        }, s -> s instanceof Message && s.getExtensionElement("received", "urn:xmpp:receipts") != null);
        connection.connect().login();
    }

    /** Asks {@code to} to see its presence (a subscription request), as any client's "add contact" does. */
    void requestSubscription(String to) throws Exception {
        connection.sendStanza(StanzaBuilder.buildPresence().ofType(org.jivesoftware.smack.packet.Presence.Type
                .subscribe).to(JidCreate.bareFrom(to)).build());
    }

    /** A plaintext message that asks for a XEP-0184 receipt, with the id {@code id}. */
    void sendPlainAskingReceipt(String to, String body, String id) throws Exception {
        connection.sendStanza(StanzaBuilder.buildMessage(id).to(JidCreate.entityBareFrom(to))
                .ofType(Message.Type.chat).setBody(body)
                .addExtension(StandardExtensionElement.builder("request", "urn:xmpp:receipts").build()).build());
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

    /** Deletes the account's own PEP nodes {@code nodes}; a node that is not there is fine. */
    void deleteOwnNodes(String... nodes) throws Exception {
        var pubsub = org.jivesoftware.smackx.pubsub.PubSubManager.getInstanceFor(connection,
                connection.getUser().asBareJid());
        for (String node : nodes) {
            try {
                pubsub.deleteNode(node);
            } catch (org.jivesoftware.smack.XMPPException.XMPPErrorException absent) {
                // not there (item-not-found): nothing to forget
            }
        }
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
