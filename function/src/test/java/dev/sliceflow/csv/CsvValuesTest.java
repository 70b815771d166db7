package dev.sliceflow.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.schema.ColumnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written byte parsers agree with the JDK's own (Instant.parse, LocalDate.parse, Long.parseLong, BigDecimal)
 * on every text, and refuse what those refuse: a different answer would be a silently wrong value in the lake.
 */
class CsvValuesTest {
    private static byte[] bytes(String text) {
        // padded on both sides, so that offsets are exercised
        return ("xx" + text + "yy").getBytes(StandardCharsets.UTF_8);
    }

    private static int length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @ParameterizedTest
    @ValueSource(strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z",
            "2024-02-29T12:34:56.123456Z", "1969-12-31T23:59:59.999999Z", "2026-03-29T01:30:00.000001Z",
            "+12345-01-01T00:00:00Z", "2024-01-01T00:00:00.5Z"})
    void timestamp_equalsInstantParse(String value) {
        Instant instant = Instant.parse(value);
        String csv = value.startsWith("+") || value.length() != 27 ? value : CsvDialect.encode(ColumnType.TIMESTAMP, instant);

        assertThat(CsvValues.timestampMicros(bytes(csv), 2, length(csv)))
                .isEqualTo(ChronoUnit.MICROS.between(Instant.EPOCH, instant));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00.000000Z", "2024-13-01T00:00:00.000000Z", "2024-01-01T25:00:00.000000Z",
            "2024-01-01T00:00:00.00000xZ", "yesterday", "2024-01-01 00:00:00", "", "2024-01-01T00:00:00.0000001Z",
            "+1000000000-01-01T00:00:00Z"})
    void timestamp_whenNotAMicrosecondTimestamp_refusesIt(String value) {
        assertThatThrownBy(() -> CsvValues.timestampMicros(bytes(value), 2, length(value)))
                .isInstanceOf(RuntimeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29", "0001-01-01", "9999-12-31", "1969-12-31", "+10000-01-01"})
    void date_equalsLocalDateParse(String value) {
        assertThat(CsvValues.dateDays(bytes(value), 2, length(value))).isEqualTo(LocalDate.parse(value).toEpochDay());
    }

    @org.junit.jupiter.api.Test
    void epochDay_andMonthLength_equalJavaTime_onEveryDayFromYear0To9999() {
        for (LocalDate d = LocalDate.of(0, 1, 1); d.getYear() < 10_000; d = d.plusDays(1)) {
            if (CsvValues.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()) != d.toEpochDay()
                    || CsvValues.monthLength(d.getYear(), d.getMonthValue()) != d.lengthOfMonth()) {
                throw new AssertionError("differs from java.time on " + d);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29", "2024-00-10", "2024-1-01", "20240101", "", "+999999999-12-31"})
    void date_whenNotADate_refusesIt(String value) {
        assertThatThrownBy(() -> CsvValues.dateDays(bytes(value), 2, length(value))).isInstanceOf(RuntimeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "42", "999999999999999999", "-999999999999999999", "9223372036854775807",
            "-9223372036854775808", "+7", "0007"})
    void long_equalsLongParseLong(String value) {
        assertThat(CsvValues.parseLong(bytes(value), 2, length(value))).isEqualTo(Long.parseLong(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "1.0", "9223372036854775808", "12a", " 1", "١٢"})
    void long_whenNotALong_refusesIt(String value) {
        assertThatThrownBy(() -> CsvValues.parseLong(bytes(value), 2, length(value)))
                .isInstanceOf(NumberFormatException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "1", "-1.5", "123456789.123456789", "-123456789.123456789", "0.000000001",
            "5.", ".5", "1.1000000000000", "1234567890.5", "99999999999999999999999999999.999999999",
            "-99999999999999999999999999999.999999999", "1E+3", "1e-9", "+3.25", "0000000000.1"})
    void decimal_equalsBigDecimal(String value) {
        byte[] out = new byte[20];

        CsvValues.decimal16(bytes(value), 2, length(value), out, 2);

        assertThat(new java.math.BigInteger(java.util.Arrays.copyOfRange(out, 2, 18)))
                .isEqualTo(new BigDecimal(value).setScale(9, RoundingMode.UNNECESSARY).unscaledValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", ".", "1.0000000001", "1e-10", "abc", "1.2.3", "--1", "١٢",
            "100000000000000000000000000000", "1,5"})
    void decimal_whenNotADecimal389_refusesIt(String value) {
        assertThatThrownBy(() -> CsvValues.decimal16(bytes(value), 2, length(value), new byte[16], 0))
                .isInstanceOf(RuntimeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void boolean_readsItsTwoForms(String value) {
        assertThat(CsvValues.parseBoolean(bytes(value), 2, length(value))).isEqualTo(Boolean.parseBoolean(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRUE", "1", "", "t", "falsey"})
    void boolean_refusesEveryOtherForm(String value) {
        assertThatThrownBy(() -> CsvValues.parseBoolean(bytes(value), 2, length(value)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "", "naïve", "日本語", "emoji 🎉", "\u0000", "0123456789abcdefé", "eight by日本"})
    void utf8_acceptsUtf8(String value) {
        CsvValues.checkUtf8(bytes(value), 2, length(value));
    }

    @org.junit.jupiter.api.Test
    void utf8_refusesMalformedBytes() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        byte[] truncated = {'a', (byte) 0xe6, (byte) 0x97};
        byte[] surrogate = {(byte) 0xed, (byte) 0xa0, (byte) 0x80};
        byte[] lateAfterAscii = "0123456789abcdef\u00ff".getBytes(StandardCharsets.ISO_8859_1);

        for (byte[] b : new byte[][] {latin1, truncated, surrogate, lateAfterAscii}) {
            assertThatThrownBy(() -> CsvValues.checkUtf8(b, 0, b.length)).hasMessageContaining("not valid UTF-8");
        }
    }
}
