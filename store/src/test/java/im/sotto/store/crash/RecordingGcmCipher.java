package im.sotto.store.crash;

import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES/GCM/NoPadding that reports every (key, nonce) pair it is asked to encrypt with to {@link AeadPairLog}, then
 * lets the JDK's SunJCE implementation do the work. Installed first in the provider list of the crash test's child.
 */
public final class RecordingGcmCipher extends CipherSpi {
    private final Cipher delegate;

    public RecordingGcmCipher() throws NoSuchAlgorithmException, NoSuchPaddingException, NoSuchProviderException {
        delegate = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    }

    @Override
    protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
        if (!"GCM".equalsIgnoreCase(mode)) {
            throw new NoSuchAlgorithmException(mode);
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
        delegate.init(opmode, key, random);
        if (opmode == Cipher.ENCRYPT_MODE) {
            AeadPairLog.record(key.getEncoded(), delegate.getIV());
        }
    }

    @Override
    protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (opmode == Cipher.ENCRYPT_MODE) {
            AeadPairLog.record(key.getEncoded(), ((GCMParameterSpec) params).getIV());
        }
        delegate.init(opmode, key, params, random);
    }

    @Override
    protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        throw new InvalidAlgorithmParameterException("the recorder takes a GCMParameterSpec");
    }

    @Override
    protected byte[] engineUpdate(byte[] input, int offset, int length) {
        return delegate.update(input, offset, length);
    }

    @Override
    protected int engineUpdate(byte[] input, int offset, int length, byte[] output, int outputOffset)
            throws ShortBufferException {
        return delegate.update(input, offset, length, output, outputOffset);
    }

    @Override
    protected void engineUpdateAAD(byte[] src, int offset, int length) {
        delegate.updateAAD(src, offset, length);
    }

    @Override
    protected void engineUpdateAAD(ByteBuffer src) {
        delegate.updateAAD(src);
    }

    @Override
    protected byte[] engineDoFinal(byte[] input, int offset, int length)
            throws IllegalBlockSizeException, BadPaddingException {
        return delegate.doFinal(input, offset, length);
    }

    @Override
    protected int engineDoFinal(byte[] input, int offset, int length, byte[] output, int outputOffset)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        return delegate.doFinal(input, offset, length, output, outputOffset);
    }
}
