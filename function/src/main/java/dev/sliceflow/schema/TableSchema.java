package dev.sliceflow.schema;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A table's name, its columns in CSV order, and its primary key (column names, possibly empty). */
public record TableSchema(String name, List<Column> columns, List<String> primaryKey) {
    public TableSchema {
        Identifiers.table(name);
        columns = List.copyOf(columns);
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
        if (columns.isEmpty()) {
            throw new InvalidInputException("table " + name + " has no columns");
        }
        Set<String> names = new HashSet<>();
        for (Column column : columns) {
            if (!names.add(column.name())) {
                throw new InvalidInputException("table " + name + " declares column " + column.name() + " twice");
            }
        }
        for (String key : primaryKey) {
            if (!names.contains(key)) {
                throw new InvalidInputException("table " + name + ": primary key column " + Identifiers.printable(key)
                        + " is not one of its columns");
            }
        }
    }

    public int width() {
        return columns.size();
    }

    public Column column(int index) {
        return columns.get(index);
    }
}
