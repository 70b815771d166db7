package dev.sliceflow.warehouse;

import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What differs between SQL engines under one load protocol ({@link SqlWarehouse}): how to connect, type names, the
 * catalog query, locks, extra DDL, which errors are permanent, and how parts are bulk-loaded. Adding an engine is one
 * dialect and one {@code WarehouseContract} subclass.
 */
public interface SqlDialect {

    /** A new connection (auto-commit is turned off by the caller). */
    Connection connect() throws SQLException;

    /** The engine's type of a sliceflow column type, exactly as {@link #existingColumns} reports it. */
    String typeName(ColumnType type);

    /**
     * The type of the text metadata columns ({@code _sync_id}, {@code _source}, {@code _account}, {@code _region}): the
     * slice key every replace deletes by, and what the slice index orders.
     */
    default String metadataTextType() {
        return typeName(ColumnType.STRING);
    }

    /** The columns of {@code table} (name to type, as {@link #typeName} spells them), empty when it does not exist. */
    Map<String, String> existingColumns(Connection c, String table) throws SQLException;

    /** Serialises DDL on {@code table} with other loaders until this transaction ends (no-op for single writers). */
    void lockForDdl(Connection c, String table) throws SQLException;

    /**
     * What follows {@code SELECT ... FROM _sliceflow_state s JOIN (VALUES ...) v ON ...} to lock the selected state
     * rows in one deterministic order (so two concurrent batches never deadlock), e.g.
     * {@code ORDER BY s.source COLLATE "C", ... FOR UPDATE OF s}; "" for single-writer engines.
     */
    String lockStateRows();

    /**
     * A FROM item named {@code v} with text columns {@code names}, its rows given column-wise as one text-array
     * parameter per column (bound with {@code Connection.createArrayOf(textArrayType(), ...)}), e.g.
     * {@code unnest(?::text[], ?::text[]) AS v (a, b)}.
     */
    String columnarRows(List<String> names);

    /** The element type name {@code Connection.createArrayOf} takes for text. */
    String textArrayType();

    /** Extra DDL after a table is created (indexes); may be empty. */
    List<String> afterCreate(String table);

    /** Extra ledger DDL (indexes); may be empty. */
    List<String> ledgerExtras();

    /** Runs before the ledger DDL in its transaction (e.g. a lock: CREATE TABLE IF NOT EXISTS races with itself). */
    void beforeLedgerDdl(Connection c) throws SQLException;

    /**
     * Bulk-loads {@code parts} (of one or many manifests, all with {@code schema}'s columns) into {@code schema}'s
     * table, each record with its own manifest's metadata column values, verifying every part as it streams. A part
     * that is not what its manifest lists fails with a {@link dev.sliceflow.destination.ManifestFailure} (possibly wrapped)
     * naming the manifest.
     *
     * @return rows inserted
     */
    long bulkLoad(Connection c, TableSchema schema, List<StagedPart> parts, PartOpener opener)
            throws SQLException, IOException;

    /** Whether the engine's error can never pass on retry (a value a column refuses, a table too wide). */
    boolean isPermanent(SQLException e);

    /**
     * Held for each transaction. Engines with one writer per database (DuckDB) share one lock between every instance
     * on the same database; others give each instance its own (its one connection runs one transaction at a time).
     */
    ReentrantLock writerLock();
}
