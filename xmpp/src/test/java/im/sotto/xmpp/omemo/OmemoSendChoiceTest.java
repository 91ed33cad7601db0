package im.sotto.xmpp.omemo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.UnapprovedOmemoDevice;

import org.junit.jupiter.api.Test;

/** The one rule both OMEMO versions send by, and the one notice per account and send it leads to. */
class OmemoSendChoiceTest {
    @Test
    void onlyAPinnedAllowedKeyIsEncryptedTo() {
        for (OmemoTrustLevel level : OmemoTrustLevel.values()) {
            // The session's key is not the pinned one (a swapped bundle), or its level may not be sent to: never.
            OmemoSendChoice refused = OmemoSendChoice.of(Optional.of(level), false, false);
            assertEquals(level == OmemoTrustLevel.AWAITING_APPROVAL ? OmemoSendChoice.AWAITS_APPROVAL
                    : OmemoSendChoice.NOT_TRUSTED, refused, level.toString());
        }
        assertEquals(OmemoSendChoice.NOT_TRUSTED, OmemoSendChoice.of(Optional.empty(), true, false), "nothing pinned");
        assertEquals(OmemoSendChoice.ENCRYPT, OmemoSendChoice.of(Optional.of(OmemoTrustLevel.BLIND), true, false));
        assertEquals(OmemoSendChoice.ENCRYPT, OmemoSendChoice.of(Optional.of(OmemoTrustLevel.VERIFIED), true, true));
    }

    /** A Sotto contact's OMEMO-only devices get the message only once verified (docs/protocol.md 10.13). */
    @Test
    void verifiedOnlyLeavesABlindDeviceAwaitingApproval() {
        assertEquals(OmemoSendChoice.AWAITS_APPROVAL,
                OmemoSendChoice.of(Optional.of(OmemoTrustLevel.BLIND), true, true));
        assertEquals(OmemoSendChoice.NOT_TRUSTED,
                OmemoSendChoice.of(Optional.of(OmemoTrustLevel.DISTRUSTED), false, true), "refused stays refused");
    }

    @Test
    void theDevicesAMessageMissedAreToldOncePerAccount() {
        Map<SessionAddress, String> awaiting = new LinkedHashMap<>();
        awaiting.put(new SessionAddress("bob@example.org", 1), "f1");
        awaiting.put(new SessionAddress("alice@example.org", 9), "f9");
        awaiting.put(new SessionAddress("bob@example.org", 2), "f2");
        List<String> told = new ArrayList<>();
        OmemoSendChoice.NotApproved notice = (account, devices, stanzaId) -> told.add(account + " " + devices
                + " " + stanzaId);
        notice.report(awaiting, "m1");
        assertEquals(List.of(
                "bob@example.org " + List.of(new UnapprovedOmemoDevice(1, "f1"), new UnapprovedOmemoDevice(2, "f2"))
                        + " m1",
                "alice@example.org " + List.of(new UnapprovedOmemoDevice(9, "f9")) + " m1"), told);
        told.clear();
        notice.report(Map.of(), "m2");
        assertEquals(List.of(), told, "no device missed, no notice");
    }
}
