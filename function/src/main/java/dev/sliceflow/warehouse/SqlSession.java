package dev.sliceflow.warehouse;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.destination.LoadDeadline;
import dev.sliceflow.destination.LoadTimeoutException;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.TransientLoadException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JDBC connection, opened on first use, checked before each transaction and reopened (the ledger ensured) when it
 * broke; transactions run one at a time under the dialect's writer lock; errors translated to permanent
 * ({@link InvalidInputException}) or transient ({@link TransientLoadException}).
 */
final class SqlSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqlSession.class);

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws Exception;
    }

    private final SqlDialect dialect;
    private final Work<Void> onConnect;
    private final ReentrantLock lock;
    private Connection connection;

    /** @param onConnect runs in its own transaction on every new connection (the ledger DDL) */
    SqlSession(SqlDialect dialect, Work<Void> onConnect) {
        this.dialect = dialect;
        this.onConnect = onConnect;
        this.lock = dialect.writerLock();
    }

    /**
     * Runs {@code work} in one transaction and commits it; on any failure rolls back and throws it translated. A
     * {@link ManifestFailure} is rethrown as it is, for the caller to blame its manifest.
     */
    <T> T inTransaction(String what, Work<T> work) throws ManifestFailure {
        return inTransaction(what, LoadDeadline.none(), work);
    }

    /**
     * {@link #inTransaction(String, Work)} that never commits after {@code deadline}: past it, the work is not started,
     * or is rolled back right before COMMIT, with a {@link LoadTimeoutException}.
     */
    <T> T inTransaction(String what, LoadDeadline deadline, Work<T> work) throws ManifestFailure {
        lock.lock();
        try {
            if (deadline.passed()) {
                throw new LoadTimeoutException(what + ": not started: the loader's deadline has passed");
            }
            Connection c = connection();
            try {
                T result = work.run(c);
                if (deadline.passed()) {
                    throw new LoadTimeoutException(what + ": not committed: the loader's deadline passed before"
                            + " COMMIT; rolled back");
                }
                c.commit();
                return result;
            } catch (Exception | Error e) {
                rollbackQuietly(c);
                dropIfBroken();
                if (e instanceof LoadTimeoutException timeout) {
                    throw timeout;
                }
                if (deadline.passed()) {
                    // most likely the streams giving up at the deadline, whatever the driver made of that
                    LoadTimeoutException timeout = new LoadTimeoutException(what + ": not committed: the loader's"
                            + " deadline passed while it ran; rolled back");
                    timeout.addSuppressed(e);
                    throw timeout;
                }
                ManifestFailure part = ManifestFailure.in(e);
                if (part != null) {
                    throw part;
                }
                throw translate(e, what);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #inTransaction} for work that streams no part. */
    <T> T run(String what, Work<T> work) {
        try {
            return inTransaction(what, work);
        } catch (ManifestFailure e) {
            throw e.failure();
        }
    }

    private Connection connection() {
        try {
            if (connection != null && !connection.isClosed() && connection.isValid(5)) {
                return connection;
            }
        } catch (SQLException e) {
            LOG.warn("warehouse connection check failed, reconnecting: {}", e.getMessage());
        }
        closeQuietly(connection);
        connection = null;
        Connection c = null;
        try {
            c = dialect.connect();
            c.setAutoCommit(false);
            onConnect.run(c);
            c.commit();
            connection = c;
            return c;
        } catch (Exception e) {
            rollbackQuietly(c);
            closeQuietly(c);
            if (e instanceof SQLException sql && dialect.isPermanent(sql)) {
                throw new InvalidInputException("cannot prepare the warehouse: " + Sql.firstLine(e.getMessage()), e);
            }
            throw new TransientLoadException("cannot connect to the warehouse: " + Sql.firstLine(e.getMessage()), e);
        }
    }

    private void dropIfBroken() {
        try {
            if (connection != null && (connection.isClosed() || !connection.isValid(2))) {
                closeQuietly(connection);
                connection = null;
            }
        } catch (SQLException ignored) {
            closeQuietly(connection);
            connection = null;
        }
    }

    /** Permanent problems stay {@link InvalidInputException}s, and so do errors the dialect calls permanent. */
    private RuntimeException translate(Throwable e, String what) {
        if (e instanceof Error error) {
            throw error;
        }
        if (e instanceof InvalidInputException || e instanceof TransientLoadException) {
            return (RuntimeException) e;
        }
        if (e.getCause() instanceof TransientLoadException transientCause) {
            return transientCause;
        }
        SQLException sql = sqlException(e);
        if (sql != null && dialect.isPermanent(sql)) {
            return new InvalidInputException(what + ": the warehouse refused it: " + Sql.firstLine(sql.getMessage()), e);
        }
        return new TransientLoadException(what + ": " + Sql.firstLine(e.getMessage()), e);
    }

    private static SQLException sqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    static void rollbackQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (!c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("close failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeQuietly(connection);
            connection = null;
        } finally {
            lock.unlock();
        }
    }
}
