package im.sotto.store.crash;

import im.sotto.protocol.store.SessionAddress;
import java.nio.file.Path;

/** One side of the crash test's conversation: its name, its store files and the address of its peer's device. */
enum Party {
    ALICE("alice", new SessionAddress("bob@example.org", 2)),
    BOB("bob", new SessionAddress("alice@example.org", 1));

    final String name;
    final SessionAddress peerDevice;

    Party(String name, SessionAddress peerDevice) {
        this.name = name;
        this.peerDevice = peerDevice;
    }

    Party peer() {
        return this == ALICE ? BOB : ALICE;
    }

    Path database(Path dir) {
        return dir.resolve(name + ".db");
    }

    Path keyFile(Path dir) {
        return dir.resolve(name + ".key");
    }
}
