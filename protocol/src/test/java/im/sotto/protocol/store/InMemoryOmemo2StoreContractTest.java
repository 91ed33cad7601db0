package im.sotto.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-memory store's OMEMO 2 part against the OMEMO contract, and apart from OMEMO 0.3's. */
class InMemoryOmemo2StoreContractTest extends OmemoStoreContractTest {
    @Override
    protected AccountStore newStore(String name) {
        return new InMemoryAccountStore();
    }

    @Override
    protected AccountStore reopen(String name, AccountStore old) {
        return old;
    }

    @Override
    protected im.sotto.protocol.omemo.OmemoStores omemo(Stores s) {
        return s.omemo2();
    }

    /** One device id used by a client for both versions: each version keeps its own session and device. */
    @Test
    void omemo2AndOmemo03NeverMix() {
        SessionAddress carol = new SessionAddress("carol@example.org", 5);
        store.transact(s -> {
            s.omemo2().sessions().store(carol, "omemo 2".getBytes(StandardCharsets.UTF_8));
            s.omemo2().device().storeLocalDevice("omemo 2 device".getBytes(StandardCharsets.UTF_8));
            return null;
        });
        store.transact(s -> {
            assertEquals(Optional.empty(), s.omemo().sessions().load(carol));
            assertEquals(Optional.empty(), s.omemo().device().localDevice());
            return null;
        });
    }
}
