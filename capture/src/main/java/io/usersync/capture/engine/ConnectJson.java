package io.usersync.capture.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;

import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes a Kafka Connect key or value as the UTF-8 JSON that Kafka's {@code JsonConverter} writes with schemas
 * disabled and its other settings at their defaults: a null takes its schema's default, bytes and decimals are
 * base64, Connect's dates and times are numbers. The same bytes, written straight from the record: the converter
 * builds a tree of nodes per change and serializes it, and the engine then makes a String of it.
 */
final class ConnectJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private ConnectJson() {
    }

    /** The JSON of a record's key or value; null for the null value of a tombstone, as the converter gives. */
    static byte[] write(Schema schema, Object value) {
        if (schema == null && value == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator out = FACTORY.createGenerator(bytes, JsonEncoding.UTF8)) {
            write(out, schema, value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static void write(JsonGenerator out, Schema schema, Object value) throws IOException {
        if (value == null) {
            if (schema != null && schema.defaultValue() != null) {
                write(out, schema, schema.defaultValue());
            } else if (schema == null || schema.isOptional()) {
                out.writeNull();
            } else {
                throw new DataException("null value for a field that is required and has no default");
            }
            return;
        }
        Object plain = schema == null || schema.name() == null ? value : fromLogical(schema, value);
        Schema.Type type = schema == null ? ConnectSchema.schemaType(plain.getClass()) : schema.type();
        if (type == null) {
            throw new DataException("Java class " + plain.getClass() + " has no Connect schema type");
        }
        switch (type) {
            case INT8 -> out.writeNumber((Byte) plain);
            case INT16 -> out.writeNumber((Short) plain);
            case INT32 -> out.writeNumber((Integer) plain);
            case INT64 -> out.writeNumber((Long) plain);
            case FLOAT32 -> out.writeNumber((Float) plain);
            case FLOAT64 -> out.writeNumber((Double) plain);
            case BOOLEAN -> out.writeBoolean((Boolean) plain);
            case STRING -> out.writeString(((CharSequence) plain).toString());
            // The converter writes a ByteBuffer's whole backing array, whatever its position and limit.
            case BYTES -> out.writeBinary(plain instanceof ByteBuffer buffer ? buffer.array() : (byte[]) plain);
            case ARRAY -> {
                out.writeStartArray();
                for (Object element : (Collection<?>) plain) {
                    write(out, schema == null ? null : schema.valueSchema(), element);
                }
                out.writeEndArray();
            }
            case MAP -> writeMap(out, schema, (Map<?, ?>) plain);
            case STRUCT -> {
                Struct struct = (Struct) plain;
                // Debezium builds a row's struct with a schema equal to, not the same as, its envelope's field.
                if (!struct.schema().equals(schema)) {
                    throw new DataException("Mismatching schema.");
                }
                out.writeStartObject();
                for (Field field : schema.fields()) {
                    out.writeFieldName(field.name());
                    write(out, field.schema(), struct.get(field));
                }
                out.writeEndObject();
            }
        }
    }

    /** Connect's own logical types, as the converter prints them; Debezium's are plain values with a name. */
    private static Object fromLogical(Schema schema, Object value) {
        return switch (schema.name()) {
            case Decimal.LOGICAL_NAME -> Decimal.fromLogical(schema, (BigDecimal) value);
            case Date.LOGICAL_NAME -> Date.fromLogical(schema, (java.util.Date) value);
            case Time.LOGICAL_NAME -> Time.fromLogical(schema, (java.util.Date) value);
            case Timestamp.LOGICAL_NAME -> Timestamp.fromLogical(schema, (java.util.Date) value);
            default -> value;
        };
    }

    /** An object when the keys are strings; otherwise an array of {@code [key, value]} pairs. */
    private static void writeMap(JsonGenerator out, Schema schema, Map<?, ?> map) throws IOException {
        boolean object = schema == null ? map.keySet().stream().allMatch(String.class::isInstance)
                : schema.keySchema().type() == Schema.Type.STRING;
        Schema keySchema = schema == null ? null : schema.keySchema();
        Schema valueSchema = schema == null ? null : schema.valueSchema();
        if (object) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                write(out, valueSchema, entry.getValue());
            }
            out.writeEndObject();
        } else {
            out.writeStartArray();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeStartArray();
                write(out, keySchema, entry.getKey());
                write(out, valueSchema, entry.getValue());
                out.writeEndArray();
            }
            out.writeEndArray();
        }
    }
}
