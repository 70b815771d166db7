package dev.sliceflow.source.synthetic;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** The hard values the synthetic source cycles through: each must survive source -> CSV -> warehouse exactly. */
final class SyntheticValues {
    private SyntheticValues() {
    }

    static final List<String> STRINGS = List.of(
            "",
            "plain",
            "with \"double\" quotes",
            "'single' quotes",
            "comma, inside",
            "line\nfeed",
            "carriage\rreturn",
            "crlf\r\nend",
            "\r\n",
            "tab\there",
            "back\\slash and \\N and \\\\",
            "emoji \uD83D\uDE00 and clef \uD834\uDD1E",
            "=SUM(A1:A2)",
            "+1 leading plus",
            "-1 leading minus",
            "@leading at",
            "  spaces around  ",
            "\"",
            ",",
            "\"\"",
            "NULL",
            "null",
            "\\N",
            "ünïcödé ∑ 中文 العربية",
            "a\u2028b\u2029c\u0085d",
            "{\"looks\":\"like json\"}",
            "semi;colon|pipe");

    static final List<String> JSON = List.of(
            "{}",
            "[]",
            "{\"a\":1,\"b\":[true,false,null,\"x\\\"y\"],\"c\":{\"d\":\"é\uD83D\uDE00\"}}",
            "[1,2.5,-3e10,\"three\",{\"k\":\"v\"}]",
            "{\"nested\":{\"deep\":{\"deeper\":[1,{\"k\":\"line\\nbreak, comma\"}]}}}",
            "\"a json string\"",
            "null",
            "42",
            "{\"tags\":{\"Name\":\"prod-db\",\"cost-center\":\"=1+1\"}}");

    static final List<Long> LONGS = List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 1_234_567_890_123L);

    static final List<Double> DOUBLES = List.of(0.0, -0.0, 1.5, -2.25, Double.MIN_VALUE, Double.MAX_VALUE,
            -Double.MAX_VALUE, 1e-300, 123456.789, 0.1, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY);

    static final List<BigDecimal> DECIMALS = List.of(
            new BigDecimal("0"),
            new BigDecimal("-1.5"),
            new BigDecimal("12345678901234567890123456789.123456789"),
            new BigDecimal("-12345678901234567890123456789.123456789"),
            new BigDecimal("-0.000000001"),
            new BigDecimal("100"));

    static final List<Instant> TIMESTAMPS = List.of(
            Instant.parse("1970-01-01T00:00:00Z"),
            Instant.parse("2024-02-29T23:59:59.999999Z"),
            Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999Z"),
            Instant.parse("1969-12-31T23:59:59.000001Z"),
            Instant.parse("2026-11-25T09:00:00.000123Z"));

    static final List<LocalDate> DATES = List.of(
            LocalDate.parse("1970-01-01"),
            LocalDate.parse("2024-02-29"),
            LocalDate.parse("0001-01-01"),
            LocalDate.parse("9999-12-31"));
}
