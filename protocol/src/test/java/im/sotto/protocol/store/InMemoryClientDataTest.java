package im.sotto.protocol.store;

/** The in-memory store against the client data contract. */
class InMemoryClientDataTest extends ClientDataContractTest {
    @Override
    protected AccountStore newStore() {
        return new InMemoryAccountStore();
    }

    @Override
    protected AccountStore reopen(AccountStore old) {
        return old;
    }
}
