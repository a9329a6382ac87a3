package io.usersync.capture.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Every case is checked against Kafka's own JsonConverter, with schemas disabled as Debezium's JSON format uses it. */
class ConnectJsonTest {

    private static final JsonConverter CONVERTER = converter();

    private static JsonConverter converter() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), false);
        return converter;
    }

    private static void assertWrittenAsTheConverterWrites(Schema schema, Object value) {
        byte[] expected = CONVERTER.fromConnectData("topic", schema, value);
        byte[] written = ConnectJson.write(schema, value);
        assertThat(written == null ? null : new String(written, StandardCharsets.UTF_8))
                .isEqualTo(expected == null ? null : new String(expected, StandardCharsets.UTF_8));
    }

    /** An auth.users change as Debezium makes it: rows with optional columns and defaults, the source block. */
    private static final Schema ROW = SchemaBuilder.struct().name("usersync.auth.users.Value").optional()
            .field("id", SchemaBuilder.string().name("io.debezium.data.Uuid").build())
            .field("email", Schema.OPTIONAL_STRING_SCHEMA)
            .field("raw_user_meta_data", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field("is_anonymous", SchemaBuilder.bool().defaultValue(false).build())
            .field("created_at", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("usersync.auth.users.Envelope")
            .field("before", ROW)
            .field("after", ROW)
            .field("source", SOURCE)
            .field("transaction", SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA).build())
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private static Struct change(String metadata) {
        Struct after = new Struct(ROW).put("id", "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11").put("email", "ada@example.com")
                .put("raw_user_meta_data", metadata).put("created_at", "2026-01-01T00:00:00.000000Z");
        Struct source = new Struct(SOURCE).put("version", "3.6.1.Final").put("ts_ms", 1767225600000L)
                .put("sequence", "[\"24023128\",\"24023184\"]").put("txId", 742L).put("lsn", 24023184L);
        return new Struct(ENVELOPE).put("after", after).put("source", source).put("op", "c").put("ts_ms", 1767225600123L);
    }

    @Test
    void shouldWriteADebeziumChangeAsTheConverterDoes() {
        assertWrittenAsTheConverterWrites(ENVELOPE, change("{\"name\":\"Ada \\\"the first\\\" Lovelace\",\"avatar_url\":null}"));
    }

    @Test
    void shouldWriteAStructWhoseSchemaEqualsItsFieldsWithoutBeingTheSameInstance() {
        Schema row = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("after", row).build();
        Schema sameRow = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA).build();
        Struct change = new Struct(envelope).put("after", new Struct(sameRow).put("id", "ada"));

        assertWrittenAsTheConverterWrites(envelope, change);
        assertThat(new String(ConnectJson.write(envelope, change), StandardCharsets.UTF_8)).isEqualTo("{\"after\":{\"id\":\"ada\"}}");
    }

    @Test
    void shouldWriteANullFieldAsItsSchemasDefault() {
        byte[] written = ConnectJson.write(ENVELOPE, change("{}"));

        assertThat(new String(written, StandardCharsets.UTF_8)).contains("\"is_anonymous\":false").contains("\"snapshot\":\"false\"");
        assertWrittenAsTheConverterWrites(ENVELOPE, change("{}"));
    }

    @Test
    void shouldWriteTheKeyOfAChange() {
        Schema key = SchemaBuilder.struct().name("usersync.auth.users.Key")
                .field("id", SchemaBuilder.string().name("io.debezium.data.Uuid").build()).build();

        assertWrittenAsTheConverterWrites(key, new Struct(key).put("id", "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11"));
    }

    @Test
    void shouldWriteTheNullValueOfATombstoneAsNull() {
        assertThat(ConnectJson.write(null, null)).isNull();
        assertWrittenAsTheConverterWrites(null, null);
    }

    @Test
    void shouldWriteEveryTypeAsTheConverterDoes() {
        Schema schema = SchemaBuilder.struct()
                .field("int8", Schema.INT8_SCHEMA).field("int16", Schema.INT16_SCHEMA).field("int32", Schema.INT32_SCHEMA)
                .field("int64", Schema.INT64_SCHEMA).field("float32", Schema.FLOAT32_SCHEMA).field("float64", Schema.FLOAT64_SCHEMA)
                .field("boolean", Schema.BOOLEAN_SCHEMA).field("bytes", Schema.BYTES_SCHEMA).field("buffer", Schema.BYTES_SCHEMA)
                .field("decimal", Decimal.schema(2)).field("date", org.apache.kafka.connect.data.Date.SCHEMA)
                .field("time", Time.SCHEMA).field("timestamp", Timestamp.SCHEMA)
                .field("array", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build())
                .field("string_map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
                .field("int_map", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
                .field("optional_struct", SchemaBuilder.struct().optional().field("x", Schema.INT32_SCHEMA).build())
                .build();
        Map<String, Integer> stringMap = new LinkedHashMap<>();
        stringMap.put("a", 1);
        stringMap.put("b", 2);
        Map<Integer, String> intMap = new LinkedHashMap<>();
        intMap.put(1, "one");
        intMap.put(2, "two");
        Struct value = new Struct(schema).put("int8", (byte) -8).put("int16", (short) 1600).put("int32", -32)
                .put("int64", Long.MAX_VALUE).put("float32", 3.25f).put("float64", -0.1).put("boolean", true)
                .put("bytes", new byte[] {0, 1, (byte) 0xff}).put("buffer", ByteBuffer.wrap(new byte[] {42, 43}))
                .put("decimal", new BigDecimal("-12.34")).put("date", new Date(86_400_000L * 20_000))
                .put("time", new Date(3_600_000L)).put("timestamp", new Date(1_767_225_600_123L))
                .put("array", java.util.Arrays.asList("x", null, "z")).put("string_map", stringMap).put("int_map", intMap);

        assertWrittenAsTheConverterWrites(schema, value);
    }

    @Test
    void shouldWriteValuesWithoutASchemaAsTheConverterDoes() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("list", List.of(1L, "two", true));
        map.put("nested", Map.of("k", 2.5));
        map.put("nothing", null);

        assertWrittenAsTheConverterWrites(null, map);
        assertWrittenAsTheConverterWrites(null, Map.of(1, "a"));
        assertWrittenAsTheConverterWrites(null, "text");
    }

    @Test
    void shouldRefuseANullForARequiredFieldWithoutDefaultAsTheConverterDoes() {
        Schema schema = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
        Struct missing = new Struct(schema);

        assertThatThrownBy(() -> CONVERTER.fromConnectData("topic", schema, missing)).isInstanceOf(DataException.class);
        assertThatThrownBy(() -> ConnectJson.write(schema, missing)).isInstanceOf(DataException.class);
    }

    /** Metadata is user input: quotes, backslashes, control characters, NULs, emoji, unpaired surrogates. */
    @Property(tries = 500)
    void shouldWriteAnyTextAsTheConverterDoes(@ForAll String metadata, @ForAll String email) {
        Struct change = change(metadata);
        change.getStruct("after").put("email", email);

        assertWrittenAsTheConverterWrites(ENVELOPE, change);
    }
}
