package im.sotto.protocol.store;

/** The in-memory store's OMEMO part against the contract. */
class InMemoryOmemoStoreContractTest extends OmemoStoreContractTest {
    @Override
    protected AccountStore newStore(String name) {
        return new InMemoryAccountStore();
    }

    @Override
    protected AccountStore reopen(String name, AccountStore old) {
        return old;
    }
}
