package im.sotto.protocol.ratchet;

import im.sotto.protocol.testing.DeterministicRandom;

import static im.sotto.protocol.ratchet.Pair.AD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Records a conversation (with loss, reordering, direction changes and a heartbeat), then gives an attacker every
 * secret both parties still hold and every public key that was ever on the wire, and shows that no message that was
 * delivered can be decrypted.
 *
 * <p>The attacker tries each held secret in every role: as a message key, as a chain key (one step), as a root key
 * with every X25519 output it can compute (every held secret used as a private scalar with every public key), and
 * as input to the payload-key derivation with every such output as heartbeat salt. A message is readable if any
 * result equals its payload key, its message key, any chain key at or before its position in its chain (the chain
 * can be run forward from there), or any root key that preceded its chain. As a positive control, the messages that
 * were never delivered and whose keys are still held must be found readable.
 */
class ForwardSecrecyTest {
    private static final HexFormat HEX = HexFormat.of();

    /** What the test (not the attacker) records about each message when it is sent. */
    private record Sent(String chain, int position, byte[] message, String chainKey, String messageKey,
            String payloadKey, boolean delivered) {}

    private final List<Sent> sent = new ArrayList<>();
    private final Set<String> rootKeys = new HashSet<>();
    private final List<byte[]> publicKeys = new ArrayList<>();

    private static String hex(SecretBytes s) {
        return HEX.formatHex(s.reveal());
    }

    private byte[] send(RatchetSession from, String text, boolean delivered) {
        RatchetState s = from.state();
        String chain = HEX.formatHex(s.ownRatchetKey.publicKey());
        int position = s.sent;
        // A copy: committing the step wipes the chain key object the session no longer uses.
        ChainKey ck = new ChainKey(SecretBytes.copyOf(s.sendingChain.secret().reveal()));
        byte[] m = from.encrypt(text.getBytes(StandardCharsets.UTF_8), AD);
        RatchetState after = from.state();
        MessageKey mk = ck.messageKey(after.suite);
        SecretBytes salt = Header.heartbeatIndex(position) > 0 ? after.heartbeatSecret : null;
        if (salt != null) {
            publicKeys.add(after.heartbeatPublic);
        }
        publicKeys.add(after.ownRatchetKey.publicKey());
        sent.add(new Sent(chain, position, m, hex(ck.secret()), hex(mk.secret()),
                hex(mk.payloadKeys(after.suite, headerNonce(m), salt).key()), delivered));
        return m;
    }

    private void noteRoots(Pair p) {
        rootKeys.add(hex(p.alice.state().rootKey.secret()));
        rootKeys.add(hex(p.bob.state().rootKey.secret()));
    }

    @Test
    void stolenCurrentStateOfBothPartiesDecryptsNoDeliveredMessage() throws Exception {
        Pair p = new Pair(CipherSuite.X25519_AESGCM_SHA256, 70);
        Random rnd = new Random(70);
        noteRoots(p);
        List<byte[]> delayed = new ArrayList<>();
        int[] runs = {3, 1, 5, RatchetLimits.HEARTBEAT_INTERVAL + 6, 2, 4, 1, 6, 3, 2};
        for (int round = 0; round < runs.length; round++) {
            boolean fromAlice = round % 2 == 0;
            RatchetSession from = fromAlice ? p.alice : p.bob;
            RatchetSession to = fromAlice ? p.bob : p.alice;
            for (int i = 0; i < runs[round]; i++) {
                int fate = rnd.nextInt(10);
                boolean last = i == runs[round] - 1;
                byte[] m = send(from, "r" + round + "m" + i, last || fate >= 2);
                if (last || fate >= 3) {
                    assertTrue(to.decrypt(m, AD) instanceof DecryptResult.Decrypted);
                } else if (fate == 2) {
                    delayed.add(m); // delivered after the round, out of order
                }
                noteRoots(p);
            }
            for (int i = delayed.size() - 1; i >= 0; i--) {
                assertTrue(to.decrypt(delayed.get(i), AD) instanceof DecryptResult.Decrypted);
            }
            delayed.clear();
            noteRoots(p);
        }
        rootKeys.remove(hex(p.alice.state().rootKey.secret())); // the current root keys only lead forward
        rootKeys.remove(hex(p.bob.state().rootKey.secret()));

        // What the attacker steals: every secret in both states.
        List<byte[]> stolen = new ArrayList<>();
        p.alice.state().forEachSecret(s -> stolen.add(s.reveal()));
        p.bob.state().forEachSecret(s -> stolen.add(s.reveal()));
        Set<String> derivable = attack(stolen, p.alice.suite());

        Map<String, Integer> lastDelivered = new HashMap<>();
        for (Sent s : sent) {
            if (s.delivered()) {
                lastDelivered.merge(s.chain(), s.position(), Math::max);
            }
        }
        List<String> readable = new ArrayList<>();
        List<String> unreadableHeld = new ArrayList<>();
        int delivered = 0;
        int held = 0;
        for (Sent s : sent) {
            boolean exposed = derivable.contains(s.payloadKey()) || derivable.contains(s.messageKey());
            if (s.delivered()) {
                delivered++;
                if (exposed) {
                    readable.add(s.chain().substring(0, 8) + "#" + s.position());
                }
            } else if (isHeld(p, s)) {
                held++;
                if (!exposed) {
                    unreadableHeld.add(s.chain().substring(0, 8) + "#" + s.position());
                }
            }
        }
        List<String> chainExposed = new ArrayList<>();
        for (Sent s : sent) {
            Integer lastInChain = lastDelivered.get(s.chain());
            if (lastInChain != null && s.position() <= lastInChain && derivable.contains(s.chainKey())) {
                chainExposed.add(s.chain().substring(0, 8) + "#" + s.position());
            }
        }
        List<String> rootsExposed = rootKeys.stream().filter(derivable::contains).toList();

        assertTrue(delivered > 60, "conversation too short: " + delivered);
        assertEquals(List.of(), readable, "delivered messages readable from stolen state");
        assertEquals(List.of(), chainExposed, "chain keys of delivered messages derivable");
        assertEquals(List.of(), rootsExposed, "earlier root keys derivable");
        assertEquals(List.of(), unreadableHeld, "positive control: held keys must be found");
        assertTrue(held >= 3, "the positive control needs undelivered messages with held keys: " + held);

        // And through the API: restored copies of both sessions refuse every delivered message.
        for (RatchetSession thief : List.of(
                RatchetSession.fromRecord(p.alice.toRecord(), new DeterministicRandom("t1"), p.clock),
                RatchetSession.fromRecord(p.bob.toRecord(), new DeterministicRandom("t2"), p.clock))) {
            for (Sent s : sent) {
                if (s.delivered()) {
                    assertFalse(thief.decrypt(s.message(), AD) instanceof DecryptResult.Decrypted);
                }
            }
        }
    }

    private static byte[] headerNonce(byte[] message) {
        return java.util.Arrays.copyOfRange(message, 2, 2 + im.sotto.protocol.crypto.AeadAlgorithm.NONCE_LENGTH);
    }

    private static boolean isHeld(Pair p, Sent s) {
        for (RatchetSession r : List.of(p.alice, p.bob)) {
            Set<String> held = new HashSet<>();
            r.state().forEachSecret(x -> held.add(hex(x)));
            if (held.contains(s.messageKey())) {
                return true;
            }
        }
        return false;
    }

    /** Everything the attacker can compute from the stolen secrets and the public keys. */
    private Set<String> attack(List<byte[]> stolen, CipherSuite suite) throws InvalidPublicKeyException {
        Set<String> out = new HashSet<>();
        List<SecretBytes> dh = new ArrayList<>();
        for (byte[] scalar : stolen) {
            if (scalar.length != X25519.KEY_LENGTH) {
                continue;
            }
            for (byte[] pub : publicKeys) {
                try {
                    dh.add(X25519.agree(SecretBytes.copyOf(scalar), pub));
                } catch (InvalidPublicKeyException lowOrder) {
                    // not a usable pair
                }
            }
        }
        for (byte[] raw : stolen) {
            if (raw.length != 32) {
                continue;
            }
            SecretBytes s = SecretBytes.copyOf(raw);
            out.add(HEX.formatHex(raw));
            ChainKey asChain = new ChainKey(s);
            out.add(hex(asChain.messageKey(suite).secret()));
            out.add(hex(asChain.next(suite).secret()));
            // Payload keys are HKDF(header nonce || heartbeat secret, mk): any derivation of one starts from a message
            // key, and a derivable message key already counts as exposure below, so they need no enumeration here.
            RootKey asRoot = new RootKey(s);
            for (SecretBytes d : dh) {
                out.add(hex(d));
                RootKey.Step step = asRoot.advance(suite, d);
                out.add(hex(step.rootKey().secret()));
                out.add(hex(step.chainKey().secret()));
                out.add(hex(step.chainKey().messageKey(suite).secret()));
            }
        }
        return out;
    }
}
