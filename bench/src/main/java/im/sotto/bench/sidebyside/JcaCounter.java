package im.sotto.bench.sidebyside;

import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.MacSpi;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;

/**
 * Counts the AEAD and HMAC operations the protocol core performs, by sitting first in the JCA provider list for
 * {@code AES/GCM/NoPadding} and {@code HmacSHA256} and handing the work to SunJCE. Used once, outside any timed
 * code, to learn how many bare operations the primitive floor of a figure must perform. The X25519 and Ed25519
 * operations go straight to BouncyCastle's static functions and cannot be counted this way; {@link FloorCounts}
 * states them from the code.
 */
public final class JcaCounter {
    private static final String NAME = "SottoBenchCounter";

    static long seals;
    static long sealBytes;
    static long opens;
    static long openBytes;
    static long macs;
    static long macBytes;

    /** What one run of the counted work did: counts per run, byte fields the mean input length of one operation. */
    public record Tally(long seals, long sealBytes, long opens, long openBytes, long macs, long macBytes) {
        Tally per(int runs) {
            return new Tally(Math.round((double) seals / runs), sealBytes / Math.max(1, seals),
                    Math.round((double) opens / runs), openBytes / Math.max(1, opens), Math.round((double) macs / runs),
                    macBytes / Math.max(1, macs));
        }
    }

    /** Work to count. */
    public interface Work {
        void run() throws Exception;
    }

    private JcaCounter() {
    }

    /**
     * Runs {@code work} {@code runs} times with the counter installed and returns the per-run counts (and the mean
     * input length of each kind of operation).
     */
    /** One count at a time; not the class lock, which the counting engines take on the counting thread. */
    private static final Object EXCLUSIVE = new Object();

    public static Tally count(Work work, int runs) throws Exception {
        synchronized (EXCLUSIVE) {
            return countAlone(work, runs);
        }
    }

    private static Tally countAlone(Work work, int runs) throws Exception {
        Provider p = new Provider(NAME, "1", "counts AEAD and HMAC operations for the primitive floor") {
            private static final long serialVersionUID = 1L;

            {
                putService(new Service(this, "Cipher", "AES/GCM/NoPadding", CountingGcm.class.getName(), null, null));
                putService(new Service(this, "Mac", "HmacSHA256", CountingHmac.class.getName(), null, null));
            }
        };
        synchronized (JcaCounter.class) {
            seals = sealBytes = opens = openBytes = macs = macBytes = 0;
        }
        Security.insertProviderAt(p, 1);
        try {
            // On a thread of its own: the core keeps one JCA engine per thread, and engines made before the counter
            // was installed would not pass through it.
            Exception[] failure = new Exception[1];
            Thread counting = new Thread(() -> {
                try {
                    for (int i = 0; i < runs; i++) {
                        work.run();
                    }
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "jca-counter");
            counting.start();
            counting.join();
            if (failure[0] != null) {
                throw failure[0];
            }
        } finally {
            Security.removeProvider(NAME);
        }
        synchronized (JcaCounter.class) {
            return new Tally(seals, sealBytes, opens, openBytes, macs, macBytes).per(runs);
        }
    }

    /** AES-256-GCM through SunJCE, counting each completed seal and open. */
    public static final class CountingGcm extends CipherSpi {
        private final Cipher delegate;
        private int mode;
        private long length;

        public CountingGcm() throws GeneralSecurityException {
            delegate = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        }

        @Override
        protected void engineSetMode(String m) throws NoSuchAlgorithmException {
            if (!"GCM".equalsIgnoreCase(m)) {
                throw new NoSuchAlgorithmException(m);
            }
        }

        @Override
        protected void engineSetPadding(String padding) throws NoSuchPaddingException {
            if (!"NoPadding".equalsIgnoreCase(padding)) {
                throw new NoSuchPaddingException(padding);
            }
        }

        @Override
        protected int engineGetBlockSize() {
            return delegate.getBlockSize();
        }

        @Override
        protected int engineGetOutputSize(int inputLen) {
            return delegate.getOutputSize(inputLen);
        }

        @Override
        protected byte[] engineGetIV() {
            return delegate.getIV();
        }

        @Override
        protected AlgorithmParameters engineGetParameters() {
            return delegate.getParameters();
        }

        @Override
        protected void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
            mode = opmode;
            length = 0;
            delegate.init(opmode, key, random);
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidKeyException, InvalidAlgorithmParameterException {
            mode = opmode;
            length = 0;
            delegate.init(opmode, key, params, random);
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
                throws InvalidKeyException, InvalidAlgorithmParameterException {
            mode = opmode;
            length = 0;
            delegate.init(opmode, key, params, random);
        }

        @Override
        protected byte[] engineUpdate(byte[] input, int offset, int len) {
            length += len;
            return delegate.update(input, offset, len);
        }

        @Override
        protected int engineUpdate(byte[] input, int offset, int len, byte[] output, int outputOffset)
                throws ShortBufferException {
            length += len;
            return delegate.update(input, offset, len, output, outputOffset);
        }

        @Override
        protected void engineUpdateAAD(byte[] src, int offset, int len) {
            delegate.updateAAD(src, offset, len);
        }

        @Override
        protected void engineUpdateAAD(ByteBuffer src) {
            delegate.updateAAD(src);
        }

        @Override
        protected byte[] engineDoFinal(byte[] input, int offset, int len)
                throws IllegalBlockSizeException, BadPaddingException {
            tally(len);
            return delegate.doFinal(input, offset, len);
        }

        @Override
        protected int engineDoFinal(byte[] input, int offset, int len, byte[] output, int outputOffset)
                throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
            tally(len);
            return delegate.doFinal(input, offset, len, output, outputOffset);
        }

        private void tally(int len) {
            long total = length + len;
            synchronized (JcaCounter.class) {
                if (mode == Cipher.ENCRYPT_MODE) {
                    seals++;
                    sealBytes += total;
                } else {
                    opens++;
                    openBytes += total;
                }
            }
        }
    }

    /** HMAC-SHA256 through SunJCE, counting each completed tag. */
    public static final class CountingHmac extends MacSpi {
        private final Mac delegate;
        private long length;

        public CountingHmac() throws GeneralSecurityException {
            delegate = Mac.getInstance("HmacSHA256", "SunJCE");
        }

        @Override
        protected int engineGetMacLength() {
            return delegate.getMacLength();
        }

        @Override
        protected void engineInit(Key key, AlgorithmParameterSpec params)
                throws InvalidKeyException, InvalidAlgorithmParameterException {
            length = 0;
            delegate.init(key, params);
        }

        @Override
        protected void engineUpdate(byte input) {
            length++;
            delegate.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            length += len;
            delegate.update(input, offset, len);
        }

        @Override
        protected byte[] engineDoFinal() {
            synchronized (JcaCounter.class) {
                macs++;
                macBytes += length;
            }
            length = 0;
            return delegate.doFinal();
        }

        @Override
        protected void engineReset() {
            length = 0;
            delegate.reset();
        }
    }
}
