package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;

import im.sotto.protocol.link.LinkApprover;
import im.sotto.protocol.link.LinkCode;
import im.sotto.protocol.link.LinkRequester;
import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;

/** A device made by linking (docs/protocol.md 12) is stored with the certificate the approver made for its key. */
class LinkedDeviceTest {
    private static final String JID = "alice@example.org";
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    @Test
    void aLinkedDeviceKeepsItsOwnKeyAndTheApproversCertificateAcrossReopening() throws Exception {
        SottoAccount first = SottoAccount.open(new InMemoryAccountStore(), random, clock);
        LinkRequester.Linked linked = link(first);
        InMemoryAccountStore store = new InMemoryAccountStore();
        SottoAccount second = SottoAccount.openLinkedDevice(store, linked.account(), linked.device(), random, clock);
        SottoAccount reopened = SottoAccount.open(store, random, clock);

        assertEquals(first.fingerprint(), reopened.fingerprint());
        assertEquals(linked.device().certificate(), reopened.device().certificate());
        assertArrayEquals(linked.device().deviceKey().publicKey(), reopened.device().deviceKey().publicKey());
        assertEquals(second.device().deviceId(), reopened.device().deviceId());
        assertTrue(reopened.device().deviceId() != first.device().deviceId());
    }

    @Test
    void aDeviceCertifiedByAnotherAccountIsRefusedAndNothingIsStored() throws Exception {
        SottoAccount first = SottoAccount.open(new InMemoryAccountStore(), random, clock);
        SottoAccount other = SottoAccount.open(new InMemoryAccountStore(), random, clock);
        LinkRequester.Linked linked = link(first);
        InMemoryAccountStore store = new InMemoryAccountStore();
        assertThrows(IllegalArgumentException.class, () -> SottoAccount.openLinkedDevice(store, other.identity(),
                linked.device(), random, clock));
        // The store is still empty: a normal open makes a new account there.
        assertTrue(!SottoAccount.open(store, random, clock).fingerprint().equals(first.fingerprint()));
    }

    private LinkRequester.Linked link(SottoAccount approverAccount) throws Exception {
        LinkRequester requester = LinkRequester.create(JID, random, clock.instant());
        LinkApprover approver = LinkApprover.start(approverAccount.identity(), approverAccount.device().certificate(),
                JID, LinkCode.parse(requester.code().display()), random);
        byte[] accept = assertInstanceOf(LinkRequester.Reply.class,
                requester.handle(approver.offer(), clock.instant())).message();
        byte[] grant = approver.handle(accept, clock.instant()).grant();
        return assertInstanceOf(LinkRequester.Linked.class, requester.handle(grant, clock.instant()));
    }
}
