package io.usersync.capture.engine;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Properties;

import org.apache.kafka.connect.data.SchemaBuilder;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.connection.DateTimeFormat;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import io.debezium.time.ZonedTimestamp;

/**
 * {@code timestamptz} columns as the same text Debezium's own converter gives (ISO-8601 in UTC, as many
 * fraction digits as the column keeps: {@code 2026-12-01T03:25:17.332579Z}), made without its cost. Debezium
 * parses PostgreSQL's text with a {@code DateTimeFormatter} and then builds a new formatter for every value it
 * prints; in a backfill that was a fifth of capture's thread. Here PostgreSQL's own layout
 * ({@code 2026-12-01 04:25:17.332579+01}) and values already parsed in UTC (streaming) are printed digit by
 * digit; anything else (infinity, years past 9999 or before Christ, other offsets) goes through Debezium's
 * code, so the result never differs from Debezium's.
 */
public final class TimestampConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** The name capture gives this converter in Debezium's {@code converters} property. */
    public static final String NAME = "timestamptz";

    private static final String TYPE = "timestamptz";

    @Override
    public void configure(Properties properties) {
        // Nothing to configure: the fraction digits come from each column.
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (!TYPE.equalsIgnoreCase(column.typeName())) {
            return;
        }
        // Debezium's own choice of fraction digits for a column: its scale, else its length.
        int digits = column.scale().orElse(column.length().orElse(0));
        SchemaBuilder schema = SchemaBuilder.string().name(ZonedTimestamp.SCHEMA_NAME).version(1);
        registration.register(column.isOptional() ? schema.optional() : schema, value -> convert(value, digits));
    }

    /**
     * The value as Debezium's {@code PostgresValueConverter.convertTimestampWithZone} prints it.
     *
     * @param digits fraction digits to print; outside 1-9, as few as the value needs (ISO_OFFSET_DATE_TIME)
     */
    static Object convert(Object value, int digits) {
        if (value == null) {
            return null;
        }
        boolean fixedDigits = digits >= 1 && digits <= 9;
        if (value instanceof String text) {
            String fast = fixedDigits ? PostgresText.toUtcIso(text, digits) : null;
            if (fast != null) {
                return fast;
            }
            if ("infinity".equals(text) || "-infinity".equals(text)) {
                return text;
            }
            OffsetDateTime parsed = DateTimeFormat.get().timestampWithTimeZoneToOffsetDateTime(text);
            return debezium(parsed.withOffsetSameInstant(ZoneOffset.UTC), digits);
        }
        if (value instanceof OffsetDateTime time && fixedDigits && ZoneOffset.UTC.equals(time.getOffset())
                && time.getYear() >= 1 && time.getYear() <= 9999) {
            return PostgresText.print(time.toLocalDateTime(), digits);
        }
        if (value instanceof Date date) {
            return debezium(OffsetDateTime.ofInstant(date.toInstant(), ZoneOffset.UTC), digits);
        }
        return debezium(value, digits);
    }

    private static Object debezium(Object value, int digits) {
        if (value instanceof OffsetDateTime time) {
            if (time.equals(PostgresValueConverter.POSITIVE_INFINITY_OFFSET_DATE_TIME)) {
                return "infinity";
            }
            if (time.equals(PostgresValueConverter.NEGATIVE_INFINITY_OFFSET_DATE_TIME)) {
                return "-infinity";
            }
            return ZonedTimestamp.toIsoString(time.toZonedDateTime(), ZoneOffset.UTC, null, digits);
        }
        return ZonedTimestamp.toIsoString(value, ZoneOffset.UTC, null, digits);
    }

    /** PostgreSQL's text of a {@code timestamptz} with DateStyle ISO: {@code yyyy-MM-dd HH:mm:ss[.f{1,6}]±HH[:mm[:ss]]}. */
    static final class PostgresText {

        private PostgresText() {
        }

        /** The value in UTC as Debezium prints it, or null when the text is not in the plain layout. */
        static String toUtcIso(String text, int digits) {
            int length = text.length();
            if (length < 22 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != ' '
                    || text.charAt(13) != ':' || text.charAt(16) != ':') {
                return null;
            }
            int year = number(text, 0, 4);
            int month = number(text, 5, 7);
            int day = number(text, 8, 10);
            int hour = number(text, 11, 13);
            int minute = number(text, 14, 16);
            int second = number(text, 17, 19);
            if (year < 1 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
                return null;
            }
            int at = 19;
            int nanos = 0;
            if (text.charAt(at) == '.') {
                int scale = 100_000_000;
                at++;
                int start = at;
                while (at < length && Character.isDigit(text.charAt(at)) && at - start < 9) {
                    nanos += (text.charAt(at) - '0') * scale;
                    scale /= 10;
                    at++;
                }
                if (at == start) {
                    return null;
                }
            }
            int offset = offsetSeconds(text, at);
            if (offset == Integer.MIN_VALUE) {
                return null;
            }
            try {
                LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
                LocalDateTime utc = offset == 0 ? local : local.minusSeconds(offset);
                if (utc.getYear() < 1 || utc.getYear() > 9999) {
                    return null;
                }
                return print(utc, digits);
            } catch (DateTimeException e) {
                return null;
            }
        }

        /** {@code yyyy-MM-ddTHH:mm:ss.f{digits}Z}; the fraction truncated, as Debezium's formatter does. */
        static String print(LocalDateTime utc, int digits) {
            StringBuilder out = new StringBuilder(21 + digits);
            pad(out, utc.getYear(), 4).append('-');
            pad(out, utc.getMonthValue(), 2).append('-');
            pad(out, utc.getDayOfMonth(), 2).append('T');
            pad(out, utc.getHour(), 2).append(':');
            pad(out, utc.getMinute(), 2).append(':');
            pad(out, utc.getSecond(), 2).append('.');
            int fraction = utc.getNano();
            for (int i = 9; i > digits; i--) {
                fraction /= 10;
            }
            pad(out, fraction, digits);
            return out.append('Z').toString();
        }

        /** ±HH, ±HH:mm or ±HH:mm:ss ending the text, in seconds; Integer.MIN_VALUE when it is not one. */
        private static int offsetSeconds(String text, int at) {
            int remaining = text.length() - at;
            if (remaining != 3 && remaining != 6 && remaining != 9) {
                return Integer.MIN_VALUE;
            }
            char sign = text.charAt(at);
            if (sign != '+' && sign != '-') {
                return Integer.MIN_VALUE;
            }
            int seconds = 0;
            for (int part = 0, i = at + 1; part < remaining / 3; part++, i += 3) {
                if (part > 0 && text.charAt(i - 1) != ':') {
                    return Integer.MIN_VALUE;
                }
                int value = number(text, i, i + 2);
                if (value < 0) {
                    return Integer.MIN_VALUE;
                }
                seconds = seconds * 60 + value;
            }
            for (int part = remaining / 3; part < 3; part++) {
                seconds *= 60;
            }
            return sign == '-' ? -seconds : seconds;
        }

        /** The decimal number in text[from, to), or -1 when a character is not a digit. */
        private static int number(String text, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }

        private static StringBuilder pad(StringBuilder out, int value, int width) {
            String digits = Integer.toString(value);
            for (int i = digits.length(); i < width; i++) {
                out.append('0');
            }
            return out.append(digits);
        }
    }
}
