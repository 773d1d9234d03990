package io.rivet.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class MySqlFixtureIT {

    @Test
    void createDatabase_isFreshUsableAndDroppedOnCloseEvenWithAnOpenTransaction() throws Exception {
        MySqlServer server = TestDatabases.mysql();
        String name;
        try (MySqlDatabase db = server.createDatabase("Self-Test")) {
            name = db.name();
            assertTrue(name.matches("rivet_self_test_[a-z0-9]+"), name);
            db.execute("CREATE TABLE t (id int PRIMARY KEY, s varchar(10))", "INSERT INTO t VALUES (1, 'é'), (2, 'x')");
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT DATABASE(), COUNT(*), @@character_set_database FROM t")) {
                assertTrue(rs.next());
                assertEquals(name, rs.getString(1));
                assertEquals(2, rs.getInt(2));
                assertEquals("utf8mb4", rs.getString(3));
            }
            // An open transaction holds a metadata lock that would make DROP DATABASE wait: close() kills it.
            Connection lingering = db.connect();
            lingering.setAutoCommit(false);
            try (Statement s = lingering.createStatement()) {
                s.executeQuery("SELECT * FROM t").close();
            }
            db.close();
            assertFalse(lingering.isValid(2));
        }
        try (MySqlDatabase other = server.createDatabase("selftest_check"); Connection c = other.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
                        + name + "'")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1));
            assertFalse(other.jdbcUrl().contains("password=") && other.password() != null
                    && server.description().contains(other.password()));
        }
    }
}
