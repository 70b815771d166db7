package dev.sliceflow.csv;

import dev.sliceflow.schema.Column;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * CSV field bytes as the primitives of their column types (the lake's Parquet, docs/lake.md; PostgreSQL's binary
 * COPY): LONG a long, TIMESTAMP microseconds since the epoch (UTC), DATE days since the epoch, DECIMAL(38,9) the
 * 16-byte big-endian two's complement of its unscaled value, or a BigDecimal at scale 9. The forms the worker writes
 * are parsed by hand, on bytes (the java.time and BigDecimal parsers were a large share of a load); anything else
 * goes through the JDK's own parser, so what is accepted is exactly what {@code Long.parseLong}, {@code Instant.parse},
 * {@code LocalDate.parse} and {@code new BigDecimal} accept, and refused with their reasons. Every method throws a
 * RuntimeException for a text its type refuses.
 */
public final class CsvValues {
    private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
            .newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    private static final long MAX_18_DIGITS = 999_999_999_999_999_999L;
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private CsvValues() {
    }

    public static long parseLong(byte[] b, int start, int length) {
        int i = start;
        int end = start + length;
        boolean negative = length > 1 && b[i] == '-';
        if (negative) {
            i++;
        }
        if (end - i >= 1 && end - i <= 18) {
            long n = 0;
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return Long.parseLong(ascii(b, start, length));
                }
                n = n * 10 + d;
            }
            return negative ? -n : n;
        }
        return Long.parseLong(ascii(b, start, length));
    }

    public static double parseDouble(byte[] b, int start, int length) {
        return Double.parseDouble(ascii(b, start, length));
    }

    public static boolean parseBoolean(byte[] b, int start, int length) {
        if (length == 4 && b[start] == 't' && b[start + 1] == 'r' && b[start + 2] == 'u' && b[start + 3] == 'e') {
            return true;
        }
        if (length == 5 && b[start] == 'f' && b[start + 1] == 'a' && b[start + 2] == 'l' && b[start + 3] == 's'
                && b[start + 4] == 'e') {
            return false;
        }
        throw new IllegalArgumentException("not true or false");
    }

    /** Microseconds since the epoch; the worker's form {@code 2024-01-02T03:04:05.123456Z} by hand. */
    public static long timestampMicros(byte[] b, int start, int length) {
        if (length == 27 && b[start + 4] == '-' && b[start + 7] == '-' && b[start + 10] == 'T' && b[start + 13] == ':'
                && b[start + 16] == ':' && b[start + 19] == '.' && b[start + 26] == 'Z') {
            int year = digits(b, start, 4);
            int month = digits(b, start + 5, 2);
            int day = digits(b, start + 8, 2);
            int hour = digits(b, start + 11, 2);
            int minute = digits(b, start + 14, 2);
            int second = digits(b, start + 17, 2);
            int micros = digits(b, start + 20, 6);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour <= 23 && minute >= 0
                    && minute <= 59 && second >= 0 && second <= 59 && micros >= 0 && day <= monthLength(year, month)) {
                long days = epochDay(year, month, day);
                return (days * 86_400L + hour * 3_600L + minute * 60L + second) * 1_000_000L + micros;
            }
        }
        Instant instant = Instant.parse(ascii(b, start, length));
        if (instant.getNano() % 1000 != 0) {
            throw new IllegalArgumentException("finer than microseconds");
        }
        // beyond about 290,000 years a long of microseconds overflows: refused, not wrapped
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    /** Days since the epoch; {@code 2024-01-02} by hand. */
    public static int dateDays(byte[] b, int start, int length) {
        if (length == 10 && b[start + 4] == '-' && b[start + 7] == '-') {
            int year = digits(b, start, 4);
            int month = digits(b, start + 5, 2);
            int day = digits(b, start + 8, 2);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= monthLength(year, month)) {
                return (int) epochDay(year, month, day);
            }
        }
        return Math.toIntExact(LocalDate.parse(ascii(b, start, length)).toEpochDay());
    }

    /**
     * DECIMAL(38,9) into {@code out[at, at + 16)}: {@code [-]digits[.digits]} with at most 9 integer digits by hand;
     * anything else as {@code new BigDecimal(text)}. A value needing rounding to 9 places, or more than 38 digits,
     * is refused.
     */
    public static void decimal16(byte[] b, int start, int length, byte[] out, int at) {
        long unscaled = smallDecimal(b, start, length);
        if (unscaled != Long.MIN_VALUE) {
            long sign = unscaled < 0 ? -1L : 0L;
            putLong(out, at, sign);
            putLong(out, at + 8, unscaled);
            return;
        }
        BigDecimal decimal = parseDecimal(b, start, length);
        byte[] twos = decimal.unscaledValue().toByteArray();
        byte fill = decimal.signum() < 0 ? (byte) -1 : 0;
        for (int i = 0; i < 16 - twos.length; i++) {
            out[at + i] = fill;
        }
        System.arraycopy(twos, 0, out, at + 16 - twos.length, twos.length);
    }

    /** DECIMAL(38,9) at scale 9, by {@link #decimal16}'s rules. */
    public static BigDecimal decimal(byte[] b, int start, int length) {
        long unscaled = smallDecimal(b, start, length);
        if (unscaled != Long.MIN_VALUE) {
            return BigDecimal.valueOf(unscaled, Column.DECIMAL_SCALE);
        }
        return parseDecimal(b, start, length);
    }

    /** Any form {@code new BigDecimal} reads, at scale 9 without rounding, at most 38 digits. */
    private static BigDecimal parseDecimal(byte[] b, int start, int length) {
        BigDecimal decimal = new BigDecimal(ascii(b, start, length))
                .setScale(Column.DECIMAL_SCALE, RoundingMode.UNNECESSARY);
        if (decimal.precision() > Column.DECIMAL_PRECISION) {
            throw new IllegalArgumentException("more than " + Column.DECIMAL_PRECISION + " digits");
        }
        return decimal;
    }

    /** The unscaled value at scale 9 when the text is a plain small decimal, else Long.MIN_VALUE (use BigDecimal). */
    private static long smallDecimal(byte[] b, int start, int length) {
        int i = start;
        int end = start + length;
        boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        long n = 0;
        int integerDigits = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            n = n * 10 + (b[i++] - '0');
            if (++integerDigits > 9) {
                return Long.MIN_VALUE;
            }
        }
        int fractionDigits = 0;
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                int d = b[i++] - '0';
                if (fractionDigits == 9) {
                    if (d != 0) {
                        return Long.MIN_VALUE; // rounding needed: BigDecimal says so
                    }
                    continue;
                }
                n = n * 10 + d;
                fractionDigits++;
            }
            if (fractionDigits == 0 && integerDigits == 0) {
                return Long.MIN_VALUE;
            }
        }
        if (i != end || integerDigits + fractionDigits == 0) {
            return Long.MIN_VALUE;
        }
        for (int f = fractionDigits; f < 9; f++) {
            n *= 10;
        }
        if (n > MAX_18_DIGITS) {
            return Long.MIN_VALUE;
        }
        return negative ? -n : n;
    }

    /** Fails unless {@code b[start, start + length)} is UTF-8 (Parquet strings must be); ASCII is checked fast. */
    public static void checkUtf8(byte[] b, int start, int length) {
        int end = start + length;
        int i = start;
        // eight bytes at a time while they are all ASCII (no high bit), then byte by byte
        while (i + 8 <= end && ((long) LONG.get(b, i) & 0x8080808080808080L) == 0) {
            i += 8;
        }
        for (; i < end; i++) {
            if (b[i] < 0) {
                try {
                    UTF8.get().decode(ByteBuffer.wrap(b, i, end - i));
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException("not valid UTF-8", e);
                }
                return;
            }
        }
    }

    /** Days in a month of the proleptic Gregorian calendar (java.time's). */
    public static int monthLength(int year, int month) {
        if (month == 2) {
            return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /**
     * Days since 1970-01-01 of a valid date (the days-from-civil algorithm, era by era of 400 years): LocalDate.of and
     * toEpochDay validated every field again and were a tenth of the reader's time.
     */
    public static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    private static void putLong(byte[] out, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) v;
            v >>= 8;
        }
    }

    /** The decimal digits b[from, from + n) as a number, or -1 when one is not a digit. */
    private static int digits(byte[] b, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /**
     * The bytes as text for the JDK parsers; non-ASCII is refused first, as PostgreSQL and DuckDB refuse it
     * (Long.parseLong and BigDecimal would read other scripts' digits).
     */
    private static String ascii(byte[] b, int start, int length) {
        for (int i = start; i < start + length; i++) {
            if (b[i] < 0) {
                throw new NumberFormatException("not ASCII");
            }
        }
        return new String(b, start, length, StandardCharsets.ISO_8859_1);
    }
}
