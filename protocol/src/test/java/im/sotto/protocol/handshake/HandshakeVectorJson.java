package im.sotto.protocol.handshake;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The JSON fields the handshake vector files share (docs/vectors/README.md): a party's identity, its configuration,
 * and what a completed handshake produced, as hex bytes so that any implementation can compare them.
 */
final class HandshakeVectorJson {
    static final byte[] INITIATOR_DATA = "alice's first words".getBytes(StandardCharsets.UTF_8);
    static final byte[] RESPONDER_DATA = "bob's first words".getBytes(StandardCharsets.UTF_8);

    private HandshakeVectorJson() {}

    static void identity(ObjectNode v, String who, AccountIdentity account, DeviceIdentity device) {
        v.put(who + "_account_seed", Vectors.hex(account.seed().reveal()));
        v.put(who + "_device_private", Vectors.hex(device.deviceKey().privateKey().reveal()));
        v.put(who + "_certificate", Vectors.hex(device.certificate().encoded()));
    }

    /** A party's configuration: its suites in order of preference, its modes, its preferred responder mode. */
    static void config(ObjectNode v, String who, Collection<CipherSuite> suites, Collection<HandshakeMode> modes,
            HandshakeMode preferredResponderMode) {
        ObjectNode c = v.putObject(who + "_config");
        ArrayNode s = c.putArray("suites_by_preference");
        suites.forEach(suite -> s.add(suite.name()));
        ArrayNode m = c.putArray("modes");
        modes.forEach(mode -> m.add(mode.name()));
        c.put("preferred_responder_mode", preferredResponderMode.name());
    }

    /** The messages in wire order and what both sides derived (asserted equal where they must be). */
    static void outcome(ObjectNode v, Conversation c) {
        ArrayNode messages = v.putArray("messages");
        c.wire.forEach(m -> messages.add(Vectors.hex(m)));
        HandshakeResult ra = c.initiatorResult;
        HandshakeResult rb = c.responderResult;
        check(ra.sas().equals(rb.sas()), "SAS");
        check(java.util.Arrays.equals(ra.channelBinding(), rb.channelBinding()), "channel binding");
        check(java.util.Arrays.equals(ra.seed().rootKey().reveal(), rb.seed().rootKey().reveal()), "root key");
        v.put("selection", ra.selection().toString());
        v.put("sas", ra.sas().map(ShortAuthenticationString::display).orElse(""));
        v.put("channel_binding", Vectors.hex(ra.channelBinding()));
        v.put("root_key", Vectors.hex(ra.seed().rootKey().reveal()));
        v.put("initiator_header_key", Vectors.hex(ra.seed().initiatorHeaderKey().reveal()));
        v.put("responder_header_key", Vectors.hex(ra.seed().responderHeaderKey().reveal()));
        v.put("responder_ratchet_public", Vectors.hex(ra.seed().responderRatchetPublicKey()));
        v.put("data_received_by_responder", new String(rb.applicationData(), StandardCharsets.UTF_8));
        v.put("data_received_by_initiator", new String(ra.applicationData(), StandardCharsets.UTF_8));
        v.put("data_left_for_the_ratchet", new String(ra.unsentApplicationData(), StandardCharsets.UTF_8));
    }

    private static void check(boolean same, String what) {
        if (!same) {
            throw new AssertionError("initiator and responder derived different " + what);
        }
    }
}
