package dev.sliceflow.schema;

/**
 * The column types a source may declare, with the Java value each one carries in a row and how it is written to CSV.
 * Every warehouse maps each type to one of its own (see docs/formats.md).
 */
public enum ColumnType {
    /** {@link String}; any Unicode; NULL and "" are distinct. */
    STRING,
    /** {@link Long}; the full 64-bit range. */
    LONG,
    /** {@link Double}; written in Java's shortest round-trip form; NaN, Infinity, -Infinity and -0.0 included. */
    DOUBLE,
    /** {@link java.math.BigDecimal}; up to 38 digits, scale 0..{@value Column#DECIMAL_SCALE}; written in plain notation. */
    DECIMAL,
    /** {@link Boolean}; written as true / false. */
    BOOLEAN,
    /** {@link java.time.Instant}; UTC, microsecond precision, written as 2024-01-02T03:04:05.123456Z. */
    TIMESTAMP,
    /** {@link java.time.LocalDate}; written as 2024-01-02. */
    DATE,
    /** {@link String} holding one compact JSON document (object, array or scalar), written as that text. */
    JSON
}
