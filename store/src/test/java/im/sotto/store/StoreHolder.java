package im.sotto.store;

import java.nio.file.Path;

/** Child JVM for {@link SecondProcessTest}: opens a store, says OPEN, and holds it until stdin closes or it is killed. */
public final class StoreHolder {
    private StoreHolder() {}

    public static void main(String[] args) throws Exception {
        try (SqliteAccountStore store = SqliteAccountStore.open(Path.of(args[0]), Protection.keyFile(Path.of(args[1])))) {
            System.out.println("OPEN");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the store until the parent closes our stdin
            }
        }
    }
}
