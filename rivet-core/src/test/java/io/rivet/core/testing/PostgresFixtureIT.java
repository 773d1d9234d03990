package io.rivet.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresFixtureIT {

    @Test
    void createDatabase_isFreshUsableAndDroppedOnClose() throws Exception {
        TestDatabases.PostgresServer server = TestDatabases.postgres();
        String name;
        try (TestDatabases.PostgresDatabase db = server.createDatabase("Self-Test")) {
            name = db.name();
            assertTrue(name.matches("rivet_self_test_[a-z0-9]+"), name);
            db.execute("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1), (2)");
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_database(), count(*) FROM t")) {
                assertTrue(rs.next());
                assertEquals(name, rs.getString(1));
                assertEquals(2, rs.getInt(2));
            }
            // An open session must not stop the drop (WITH (FORCE)).
            Connection lingering = db.connect();
            db.close();
            assertTrue(lingering.isClosed() || !lingering.isValid(2));
        }
        try (TestDatabases.PostgresDatabase other = server.createDatabase("selftest_check");
                Connection c = other.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1));
            assertFalse(other.jdbcUrl().contains("password"));
        }
    }
}
