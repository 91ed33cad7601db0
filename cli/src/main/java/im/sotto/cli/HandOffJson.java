package im.sotto.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The asking side's JSON for {@link HandOff}: a request written and an answer read with Jackson's streaming layer
 * alone. Jackson's object mapper loads and initialises about 700 classes, 0.17 s of a hand-off's 0.5 s of CPU; the
 * client writes one flat object and reads one, which the streaming layer does with a fraction of that. The listen
 * still reads requests through the mapper's tree, with its checks ({@link HandOff#parse}).
 */
final class HandOffJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private HandOffJson() {
    }

    /** One flat JSON object: values are text, whole numbers or booleans. */
    static byte[] write(Map<String, Object> fields) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                Object value = field.getValue();
                if (value instanceof String text) {
                    json.writeStringField(field.getKey(), text);
                } else if (value instanceof Integer number) {
                    json.writeNumberField(field.getKey(), number);
                } else if (value instanceof Long number) {
                    json.writeNumberField(field.getKey(), number);
                } else if (value instanceof Boolean flag) {
                    json.writeBooleanField(field.getKey(), flag);
                } else {
                    throw new IllegalArgumentException("not a flat value: " + field.getKey());
                }
            }
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    /** The listen's answer: {@code exit} (an int), {@code out} and {@code err} (text); other fields are skipped. */
    static HandOff.Answer readAnswer(byte[] frame) throws HandOff.Refused {
        Integer exit = null;
        String out = null;
        String err = null;
        try (JsonParser json = FACTORY.createParser(frame)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new HandOff.Refused("malformed answer");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.getCurrentName();
                JsonToken value = json.nextToken();
                switch (name) {
                    case "exit" -> exit = value == JsonToken.VALUE_NUMBER_INT
                            && json.getNumberType() == JsonParser.NumberType.INT ? json.getIntValue() : null;
                    case "out" -> out = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    case "err" -> err = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    default -> json.skipChildren();
                }
            }
            if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
                throw new HandOff.Refused("malformed answer");
            }
        } catch (IOException e) {
            throw new HandOff.Refused("malformed answer");
        }
        if (exit == null || out == null || err == null) {
            throw new HandOff.Refused("malformed answer");
        }
        return new HandOff.Answer(exit, out, err);
    }
}
