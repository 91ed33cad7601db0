package im.sotto.protocol.session;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;

/**
 * Peer device certificates already parsed and signature-checked, by their exact encoding. A session record keeps its
 * peer's certificate as bytes; without this, every message received re-parsed it and re-verified its Ed25519
 * signature (15 % of the binding's time per message in the Prosody benchmark's profile). The parse is a function of
 * the bytes alone, so equal bytes give an equal certificate and caching cannot change an outcome: bytes that fail
 * are never cached and fail again.
 */
public final class VerifiedCertificates {
    /**
     * Certificates kept, least recently used dropped first. A conversation needs one per peer device in use; 512
     * covers a busy account's active devices while bounding memory to about 100 KB (certificates are 155 bytes).
     */
    static final int CAPACITY = 512;

    private final Map<ByteBuffer, DeviceCertificate> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, DeviceCertificate> eldest) {
            return size() > CAPACITY;
        }
    };

    public synchronized DeviceCertificate parse(byte[] encoded) throws CertificateException {
        ByteBuffer key = ByteBuffer.wrap(encoded.clone());
        DeviceCertificate known = cache.get(key);
        if (known != null) {
            return known;
        }
        DeviceCertificate parsed = DeviceCertificate.parse(encoded);
        cache.put(key, parsed);
        return parsed;
    }

    synchronized int size() {
        return cache.size();
    }
}
