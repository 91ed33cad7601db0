package im.sotto.bench;

import im.sotto.protocol.crypto.InvalidCiphertextException;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.crypto.MlKemEncapsulation;
import im.sotto.protocol.crypto.MlKemEncapsulationKey;
import im.sotto.protocol.crypto.MlKemKeyPair;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * ML-KEM-768 through Sotto's own API (BouncyCastle underneath), for the cost of the hybrid suite: key generation,
 * encapsulation, decapsulation of a good and of a tampered ciphertext (implicit rejection should cost the same),
 * parsing a peer's encapsulation key (length and modulus check), and one X25519 agreement as the classical yardstick
 * measured in the same run. Results in docs/performance.md, section "ML-KEM-768".
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MlKemBenchmark {

    @State(Scope.Thread)
    public static class Keys {
        final SecureRandom random = new SecureRandom();
        MlKemKeyPair pair;
        MlKemEncapsulationKey encapsulationKey;
        byte[] encodedEncapsulationKey;
        byte[] ciphertext;
        byte[] tamperedCiphertext;
        X25519KeyPair x25519;
        byte[] x25519Peer;

        @Setup
        public void setUp() {
            pair = MlKem768.generateKeyPair(random);
            encapsulationKey = pair.encapsulationKey();
            encodedEncapsulationKey = encapsulationKey.toBytes();
            ciphertext = MlKem768.encapsulate(encapsulationKey, random).ciphertext();
            tamperedCiphertext = ciphertext.clone();
            tamperedCiphertext[0] ^= 1;
            x25519 = X25519KeyPair.generate(random);
            x25519Peer = X25519KeyPair.generate(random).publicKey();
        }
    }

    @Benchmark
    public MlKemKeyPair keyGeneration(Keys k) {
        return MlKem768.generateKeyPair(k.random);
    }

    @Benchmark
    public MlKemEncapsulation encapsulate(Keys k) {
        return MlKem768.encapsulate(k.encapsulationKey, k.random);
    }

    @Benchmark
    public SecretBytes decapsulate(Keys k) throws InvalidCiphertextException {
        return k.pair.decapsulate(k.ciphertext);
    }

    @Benchmark
    public SecretBytes decapsulateTampered(Keys k) throws InvalidCiphertextException {
        return k.pair.decapsulate(k.tamperedCiphertext);
    }

    @Benchmark
    public MlKemEncapsulationKey parseEncapsulationKey(Keys k) throws InvalidPublicKeyException {
        return MlKemEncapsulationKey.fromBytes(k.encodedEncapsulationKey);
    }

    @Benchmark
    public SecretBytes x25519AgreeReference(Keys k) throws InvalidPublicKeyException {
        return X25519.agree(k.x25519.privateKey(), k.x25519Peer);
    }
}
