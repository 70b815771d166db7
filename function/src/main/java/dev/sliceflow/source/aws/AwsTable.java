package dev.sliceflow.source.aws;

import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.RowSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One table of the aws source: its schema, whether it is regional or global (synced once per account, in the
 * global region), the IAM actions it needs, and how to scan it in a slice.
 */
record AwsTable(TableSchema schema, Scope scope, List<String> permissions, Scanner scanner) {
    enum Scope { REGIONAL, GLOBAL }

    @FunctionalInterface
    interface Scanner {
        void scan(AwsSlice slice, Rows rows) throws Exception;
    }

    String name() {
        return schema.name();
    }

    /** Builds a table: every one starts with account_id and region, then the columns {@code columns} declares. */
    static Builder builder(String name) {
        return new Builder(name);
    }

    static final class Builder {
        private final String name;
        private final List<Column> columns = new ArrayList<>(List.of(Column.required("account_id", ColumnType.STRING),
                Column.required("region", ColumnType.STRING)));
        private List<String> key = List.of();
        private Scope scope = Scope.REGIONAL;
        private List<String> permissions = List.of();

        private Builder(String name) {
            this.name = name;
        }

        Builder required(String column, ColumnType type) {
            columns.add(Column.required(column, type));
            return this;
        }

        Builder column(String column, ColumnType type) {
            columns.add(Column.of(column, type));
            return this;
        }

        Builder key(String... columns) {
            key = List.of(columns);
            return this;
        }

        Builder global() {
            scope = Scope.GLOBAL;
            return this;
        }

        Builder permissions(String... actions) {
            permissions = List.of(actions);
            return this;
        }

        AwsTable scanner(Scanner scanner) {
            return new AwsTable(new TableSchema(name, columns, key), scope, permissions, scanner);
        }
    }

    /** Maps one resource (or one item of a list) to a row. */
    @FunctionalInterface
    interface Mapping<T> {
        void map(T item) throws Exception;
    }

    /** A resource that cannot become a row: it is skipped and counted, the table goes on. */
    static final class UnmappableRowException extends RuntimeException {
        UnmappableRowException(String message) {
            super(message);
        }
    }

    /**
     * Writes rows by column name into the sink, filling account_id and region. A name that is not a column is a
     * programming error and fails at once. A value that does not parse fails its row, not its table: see
     * {@link #each}.
     */
    static final class Rows {
        private final TableSchema schema;
        private final Map<String, Integer> index = new HashMap<>();
        private final RowSink sink;
        private final String account;
        private final String region;
        private Object[] row;
        private boolean inSink;

        Rows(TableSchema schema, RowSink sink, String account, String region) {
            this.schema = schema;
            this.sink = sink;
            this.account = account;
            this.region = region;
            for (int i = 0; i < schema.width(); i++) {
                index.put(schema.column(i).name(), i);
            }
            start();
        }

        private void start() {
            row = new Object[schema.width()];
            row[0] = account;
            row[1] = region;
        }

        /** Sets a column of the current row; values must be of the column type's Java class. */
        Rows set(String column, Object value) {
            Integer i = index.get(column);
            if (i == null) {
                throw new IllegalArgumentException("table " + schema.name() + " has no column " + column);
            }
            row[i] = value;
            return this;
        }

        /**
         * Emits the current row and starts a new one.
         *
         * @throws UnmappableRowException when a NOT NULL column is missing: a row no one can key is not loaded
         */
        void emit() throws IOException {
            for (int i = 0; i < row.length; i++) {
                if (row[i] == null && !schema.column(i).nullable()) {
                    throw new UnmappableRowException("the answer has no " + schema.column(i).name()
                            + " for a resource");
                }
            }
            Object[] done = row;
            start();
            inSink = true;
            sink.accept(done);
            inSink = false;
        }

        /**
         * Maps each item with {@code mapping}, which sets columns and emits. An item whose mapping fails on a value
         * (it does not parse, a required one is missing) is skipped and reported to the sink with the reason;
         * anything else (an AWS error, the sink's own failure) propagates and fails the table.
         */
        <T> void each(Iterable<T> items, Mapping<T> mapping) throws Exception {
            for (T item : items) {
                one(item, mapping);
            }
        }

        /** {@link #each} for one item. */
        <T> void one(T item, Mapping<T> mapping) throws Exception {
            inSink = false;
            try {
                mapping.map(item);
            } catch (UnmappableRowException | java.time.DateTimeException | NumberFormatException
                     | ArithmeticException e) {
                if (inSink) {
                    throw e;
                }
                String resource = resource();
                start();
                sink.skipped(schema.name() + ": " + (resource == null ? "a resource" : resource) + ": "
                        + e.getMessage());
            }
        }

        /** The current row's first value after account and region (its id, mostly the ARN), if set. */
        private String resource() {
            for (int i = 2; i < row.length; i++) {
                if (row[i] != null && !schema.column(i).nullable()) {
                    return row[i].toString();
                }
            }
            return null;
        }
    }
}
