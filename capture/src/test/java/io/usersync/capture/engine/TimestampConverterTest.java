package io.usersync.capture.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.connection.DateTimeFormat;
import io.debezium.time.ZonedTimestamp;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The converter against the code it replaces: Debezium's own parse of PostgreSQL's text, moved to UTC and
 * printed by {@link ZonedTimestamp} with the column's fraction digits.
 */
class TimestampConverterTest {

    private static final List<String> OFFSETS = List.of("+00", "+01", "-03", "+05:30", "+05:45", "-09:30", "+14",
            "-12", "+00:19:32", "-00:25:21");

    private static String debezium(String text, int digits) {
        OffsetDateTime parsed = DateTimeFormat.get().timestampWithTimeZoneToOffsetDateTime(text);
        return ZonedTimestamp.toIsoString(parsed.withOffsetSameInstant(ZoneOffset.UTC).toZonedDateTime(),
                ZoneOffset.UTC, null, digits);
    }

    /** What PostgreSQL prints with DateStyle ISO: the fraction without trailing zeros, none when it is zero. */
    private static String postgresText(LocalDateTime local, String offset) {
        String text = String.format("%04d-%02d-%02d %02d:%02d:%02d", local.getYear(), local.getMonthValue(),
                local.getDayOfMonth(), local.getHour(), local.getMinute(), local.getSecond());
        int micros = local.getNano() / 1000;
        if (micros != 0) {
            text += ("." + String.format("%06d", micros)).replaceAll("0+$", "");
        }
        return text + offset;
    }

    @Provide
    Arbitrary<String> postgresTimestamps() {
        Arbitrary<LocalDateTime> local = Combinators.combine(
                        Arbitraries.integers().between(1, 9999), Arbitraries.integers().between(1, 12),
                        Arbitraries.integers().between(1, 28), Arbitraries.integers().between(0, 23),
                        Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 59),
                        Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999_999)))
                .as((y, mo, d, h, mi, s, micros) -> LocalDateTime.of(y, mo, d, h, mi, s, micros * 1000));
        return Combinators.combine(local, Arbitraries.of(OFFSETS)).as(TimestampConverterTest::postgresText)
                // An offset that moves the first or the last day out of years 1-9999 is not for the fast path.
                .filter(text -> !text.startsWith("0001-01-01") && !text.startsWith("9999-12-31"));
    }

    @Property(tries = 2000)
    void shouldPrintPostgresTextAsDebeziumDoes(@ForAll("postgresTimestamps") String text) {
        for (int digits : new int[] {6, 3, 1, 9}) {
            assertThat(TimestampConverter.convert(text, digits)).as("%s with %d digits", text, digits)
                    .isEqualTo(debezium(text, digits));
        }
    }

    @Property(tries = 500)
    void shouldPrintValuesParsedInUtcAsDebeziumDoes(@ForAll("postgresTimestamps") String text) {
        OffsetDateTime utc = DateTimeFormat.get().timestampWithTimeZoneToOffsetDateTime(text)
                .withOffsetSameInstant(ZoneOffset.UTC);

        assertThat(TimestampConverter.convert(utc, 6))
                .isEqualTo(ZonedTimestamp.toIsoString(utc.toZonedDateTime(), ZoneOffset.UTC, null, 6));
    }

    @Test
    void shouldPrintTheExampleOfTheDocumentation() {
        assertThat(TimestampConverter.convert("2026-12-01 04:25:17.332579+01", 6)).isEqualTo("2026-12-01T03:25:17.332579Z");
        assertThat(TimestampConverter.convert("2026-12-01 03:25:17+00", 6)).isEqualTo("2026-12-01T03:25:17.000000Z");
    }

    @Test
    void shouldLeaveWhatThePlainLayoutDoesNotCoverToDebezium() {
        assertThat(TimestampConverter.convert("infinity", 6)).isEqualTo("infinity");
        assertThat(TimestampConverter.convert("-infinity", 6)).isEqualTo("-infinity");
        assertThat(TimestampConverter.convert(PostgresValueConverter.POSITIVE_INFINITY_OFFSET_DATE_TIME, 6)).isEqualTo("infinity");
        assertThat(TimestampConverter.convert("0044-03-15 12:00:00+00 BC", 6)).isEqualTo(debezium("0044-03-15 12:00:00+00 BC", 6));
        assertThat(TimestampConverter.convert("0001-01-01 00:30:00+01", 6)).isEqualTo(debezium("0001-01-01 00:30:00+01", 6));
        OffsetDateTime berlin = OffsetDateTime.of(2026, 12, 1, 4, 25, 17, 0, ZoneOffset.ofHours(1));
        assertThat(TimestampConverter.convert(berlin, 6))
                .isEqualTo(ZonedTimestamp.toIsoString(berlin.toZonedDateTime(), ZoneOffset.UTC, null, 6));
        assertThat(TimestampConverter.convert(new Date(0), 6)).isEqualTo("1970-01-01T00:00:00.000000Z");
        assertThat(TimestampConverter.convert(null, 6)).isNull();
    }

    @Test
    void shouldPrintAsFewDigitsAsNeededWhenTheColumnKeepsNone() {
        assertThat(TimestampConverter.convert("2026-12-01 03:25:17.5+00", 0)).isEqualTo(debezium("2026-12-01 03:25:17.5+00", 0));
    }
}
