package im.sotto.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A key file: the random key that wraps a store's storage key when the user chose no passphrase. Format: the 7
 * ASCII bytes {@code SottoKF}, a version byte (1), and the 32-byte key; nothing else is accepted.
 *
 * <p>Created owner-only from the first byte (the permission is set when the file is created, never afterwards),
 * synced, and linked into place atomically so a crash leaves either no key file or a complete one, never a partial
 * one; an existing key file is never replaced. Reading refuses a file that other users can read or write.
 */
final class KeyFile {
    static final int KEY_LENGTH = 32;
    private static final byte[] MAGIC = {'S', 'o', 't', 't', 'o', 'K', 'F'};
    private static final int VERSION = 1;
    private static final int FILE_LENGTH = MAGIC.length + 1 + KEY_LENGTH;
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private KeyFile() {}

    /** Creates a key file with a fresh random key and returns the key; the caller wipes it. */
    static byte[] create(Path path, SecureRandom random) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        byte[] key = new byte[KEY_LENGTH];
        random.nextBytes(key);
        byte[] content = new byte[FILE_LENGTH];
        System.arraycopy(MAGIC, 0, content, 0, MAGIC.length);
        content[MAGIC.length] = VERSION;
        System.arraycopy(key, 0, content, MAGIC.length + 1, KEY_LENGTH);
        Path temporary = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toUnsignedString(random.nextLong()));
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.createLink(target, temporary); // atomic, and fails rather than replace an existing key file
            syncDirectory(dir);
            return key;
        } catch (IOException | RuntimeException e) {
            Arrays.fill(key, (byte) 0);
            throw e;
        } finally {
            Arrays.fill(content, (byte) 0);
            Files.deleteIfExists(temporary);
        }
    }

    /** Reads and checks a key file; the caller wipes the returned key. */
    static byte[] read(Path path) throws StoreOpenException {
        byte[] content = null;
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new StoreOpenException(StoreOpenException.Kind.KEY_FILE_INVALID, "key file " + path
                        + " is accessible to other users (" + PosixFilePermissions.toString(permissions)
                        + "); make it owner-only (chmod 600) and check nobody copied it");
            }
            if (Files.size(path) != FILE_LENGTH) {
                throw new StoreOpenException(StoreOpenException.Kind.KEY_FILE_INVALID, "key file " + path
                        + " has the wrong length");
            }
            content = Files.readAllBytes(path);
            if (content.length != FILE_LENGTH || !Arrays.equals(MAGIC, Arrays.copyOf(content, MAGIC.length))
                    || content[MAGIC.length] != VERSION) {
                throw new StoreOpenException(StoreOpenException.Kind.KEY_FILE_INVALID, "key file " + path
                        + " is not a Sotto key file (version " + VERSION + ")");
            }
            return Arrays.copyOfRange(content, MAGIC.length + 1, FILE_LENGTH);
        } catch (NoSuchFileException e) {
            throw new StoreOpenException(StoreOpenException.Kind.KEY_FILE_INVALID, "key file " + path + " not found", e);
        } catch (IOException e) {
            throw new StoreOpenException(StoreOpenException.Kind.KEY_FILE_INVALID, "key file " + path
                    + " cannot be read: " + e.getMessage(), e);
        } finally {
            if (content != null) {
                Arrays.fill(content, (byte) 0);
            }
        }
    }

    static void requireAbsent(Path path) throws FileAlreadyExistsException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(path.toString(), null, "key file already exists");
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
