package im.sotto.protocol.store;

/** The in-memory store against the store contract. */
class InMemoryAccountStoreTest extends StoreContractTest {
    @Override
    protected AccountStore newStore() {
        return new InMemoryAccountStore();
    }

    @Override
    protected AccountStore reopen(AccountStore old) {
        return old;
    }
}
