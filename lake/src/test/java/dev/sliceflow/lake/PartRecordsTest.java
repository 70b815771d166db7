package dev.sliceflow.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.schema.ColumnType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written timestamp parser agrees with Instant.parse on the worker's form and refuses what it refuses. */
class PartRecordsTest {
    @ParameterizedTest
    @ValueSource(strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z",
            "2024-02-29T12:34:56.123456Z", "1969-12-31T23:59:59.999999Z", "2026-03-29T01:30:00.000001Z"})
    void timestamp_ofTheWorkersForm_equalsInstantParse(String value) {
        Instant instant = Instant.parse(value);
        String csv = CsvDialect.encode(ColumnType.TIMESTAMP, instant);

        assertThat(PartRecords.timestamp(csv)).isEqualTo(instant);
        assertThat(PartRecords.value(ColumnType.TIMESTAMP, csv)).isEqualTo(instant.atOffset(ZoneOffset.UTC))
                .isInstanceOf(OffsetDateTime.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00.000000Z", "2024-13-01T00:00:00.000000Z",
            "2024-01-01T00:00:00.00000xZ", "yesterday", "2024-01-01 00:00:00"})
    void timestamp_whenNotATimestamp_refusesIt(String value) {
        assertThatThrownBy(() -> PartRecords.value(ColumnType.TIMESTAMP, value)).isInstanceOf(RuntimeException.class);
    }
}
