package im.sotto.protocol.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.testing.VectorFile;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the link messages (docs/protocol.md 12) in docs/vectors/link-v1.json: a link with the right code
 * (offer, accept, grant, the certificate granted) and one with a wrong code (offer, accept, abort). Regenerate with
 * {@code -Dsotto.regenerateVectors=true}.
 */
class LinkVectorsTest {
    private static final String JID = "alice@example.org";
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void linkMessagesMatchTheKnownAnswers() throws Exception {
        ObjectNode root = VectorFile.json().createObjectNode();
        root.put("description", "Sotto v1 device linking (CPace X25519/SHA-512 on the link code, HKDF-SHA-256, "
                + "AES-256-GCM); random streams are DeterministicRandom (docs/vectors/README.md), clock "
                + TestDevices.CLOCK.instant());
        ArrayNode list = root.putArray("vectors");
        list.add(vector("right code", false));
        list.add(vector("wrong code", true));
        assertEquals(2, VectorFile.check("link-v1.json", root));
    }

    private static ObjectNode vector(String name, boolean typo) throws Exception {
        Instant now = TestDevices.CLOCK.instant();
        DeterministicRandom approverRandom = new DeterministicRandom("approver " + name);
        DeterministicRandom requesterRandom = new DeterministicRandom("requester " + name);
        AccountIdentity account = AccountIdentity.generate(approverRandom);
        DeviceIdentity existing = TestDevices.device(account, approverRandom);
        LinkRequester requester = LinkRequester.create(JID, requesterRandom, now);
        String typed = typo ? requester.code().display().substring(0, 8)
                + (requester.code().display().endsWith("7") ? "8" : "7") : requester.code().display();
        LinkApprover approver = LinkApprover.start(account, existing.certificate(), JID, LinkCode.parse(typed),
                approverRandom);
        byte[] offer = approver.offer();
        byte[] accept = assertInstanceOf(LinkRequester.Reply.class, requester.handle(offer, now)).message();

        ObjectNode v = VectorFile.json().createObjectNode();
        v.put("name", name);
        v.put("approver_random_seed", "approver " + name);
        v.put("requester_random_seed", "requester " + name);
        v.put("account_jid", JID);
        v.put("account_seed", HEX.formatHex(account.seed().reveal()));
        v.put("approver_certificate", HEX.formatHex(existing.certificate().encoded()));
        v.put("code_shown", requester.code().display());
        v.put("code_typed", typed);
        v.put("new_device_id", Math.toIntExact(requester.deviceId()));
        v.put("offer", HEX.formatHex(offer));
        v.put("accept", HEX.formatHex(accept));
        if (typo) {
            LinkException e = assertThrows(LinkException.class, () -> approver.handle(accept, now));
            v.put("approver_outcome", e.failure().name());
            v.put("abort", HEX.formatHex(e.abortForPeer().orElseThrow()));
            return v;
        }
        LinkApprover.Approval approval = approver.handle(accept, now);
        LinkRequester.Linked linked = assertInstanceOf(LinkRequester.Linked.class,
                requester.handle(approval.grant(), now));
        v.put("grant", HEX.formatHex(approval.grant()));
        v.put("granted_certificate", HEX.formatHex(linked.device().certificate().encoded()));
        v.put("new_device_public", HEX.formatHex(linked.device().deviceKey().publicKey()));
        return v;
    }
}
