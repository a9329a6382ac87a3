package io.usersync.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** Validates JSON that the pipeline really produced against the JSON Schemas shipped in {@code schemas}. */
public final class JsonSchemaAssertions {

    public static final String CDC = "auth-users-cdc.schema.json";
    public static final String PROFILE = "user-profile.schema.json";
    public static final String EVENT = "user-event.schema.json";
    public static final String CLAIM = "username-claim.schema.json";
    public static final String ASSIGNMENT = "username-assignment.schema.json";
    /** Of a dead letter's headers, as an object of header name to text: see {@link #headersJson}. */
    public static final String DEAD_LETTER_HEADERS = "dead-letter-headers.schema.json";

    private static final String BASE = "https://usersync.io/schemas/";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE, "classpath:schemas/")));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();

    private JsonSchemaAssertions() {
    }

    /** Problems found when {@code json} is checked against {@code schemaFile}; empty when it is valid. */
    public static Set<ValidationMessage> problems(String schemaFile, String json) {
        JsonSchema schema = FACTORY.getSchema(SchemaLocation.of(BASE + schemaFile), CONFIG);
        return schema.validate(parse(json));
    }

    public static void assertValid(String schemaFile, String json) {
        assertThat(problems(schemaFile, json)).as("%s against %s", json, schemaFile).isEmpty();
    }

    /** Headers (name to UTF-8 text) as the JSON object {@link #DEAD_LETTER_HEADERS} describes. */
    public static String headersJson(Map<String, String> headers) {
        try {
            return MAPPER.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
