package io.usersync.processor.normalize;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** Reads the jsonb metadata columns, which Debezium sends as their JSON text. */
public final class Metadata {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Metadata() {
    }

    /**
     * Parses a metadata column. A null column is empty metadata; anything but a JSON object is unreadable.
     *
     * @throws UnreadableMetadataException when the text is not a JSON object
     */
    public static JsonNode parse(String column, String text) {
        if (text == null) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isNull()) {
                return MissingNode.getInstance();
            }
            if (!node.isObject()) {
                throw new UnreadableMetadataException(column + " is a JSON " + node.getNodeType().name().toLowerCase()
                        + ", not an object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new UnreadableMetadataException(column + " is not valid JSON");
        }
    }

    /**
     * Checks that a metadata column would parse, without building it: the parser's edge rejects unreadable
     * metadata before anything is stored, and the profile is made from it later, once.
     *
     * @throws UnreadableMetadataException when the text is not a JSON object
     */
    public static void check(String column, String text) {
        if (text == null) {
            return;
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.VALUE_NULL) {
                return;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new UnreadableMetadataException(column + " is " + (first == null ? "empty" : "a JSON " + describe(first))
                        + ", not an object");
            }
            parser.skipChildren();
        } catch (IOException e) {
            throw new UnreadableMetadataException(column + " is not valid JSON");
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            default -> token.name().toLowerCase();
        };
    }

    /** The field's value when it is a non-blank string; numbers, arrays and objects where a string belongs do not count. */
    static String text(JsonNode metadata, String field) {
        JsonNode value = metadata.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            return null;
        }
        return value.asText();
    }

    /** Metadata that cannot be made into a profile: the change goes to the dead-letter topic. */
    public static final class UnreadableMetadataException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public UnreadableMetadataException(String message) {
            super(message);
        }
    }
}
