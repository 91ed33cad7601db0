package im.sotto.cli.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values that must never be visible to the server, in every form they could take in recorded bytes: raw, hex in
 * either case, and base64 at each of the three alignments a value can have inside a longer base64 string.
 */
final class Exposure {
    private final Map<String, List<String>> forms = new LinkedHashMap<>();

    Exposure text(String name, String text) {
        return bytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    Exposure bytes(String name, byte[] value) {
        List<String> list = new ArrayList<>();
        list.add(new String(value, StandardCharsets.ISO_8859_1));
        list.add(HexFormat.of().formatHex(value));
        list.add(HexFormat.of().withUpperCase().formatHex(value));
        for (int shift = 0; shift < 3; shift++) {
            byte[] shifted = new byte[shift + value.length];
            System.arraycopy(value, 0, shifted, shift, value.length);
            String encoded = Base64.getEncoder().encodeToString(shifted);
            // Only the characters that depend on the value's bytes alone, not on its neighbours.
            int start = shift == 0 ? 0 : (shift * 8 + 5) / 6;
            int end = ((shift + value.length) * 8) / 6;
            list.add(encoded.substring(start, end));
        }
        forms.put(name, list);
        return this;
    }

    /** The names of the values found in {@code recorded} (ISO-8859-1 text of raw bytes). */
    List<String> foundIn(String recorded) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : forms.entrySet()) {
            if (entry.getValue().stream().anyMatch(recorded::contains)) {
                found.add(entry.getKey());
            }
        }
        return found;
    }
}
