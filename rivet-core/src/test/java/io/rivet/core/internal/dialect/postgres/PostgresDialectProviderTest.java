package io.rivet.core.internal.dialect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.spi.DialectProvider;
import io.rivet.exception.RivetConfigException;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

class PostgresDialectProviderTest {

    private final PostgresDialectProvider provider = new PostgresDialectProvider();

    @Test
    void jdbcUrl_passesUnchanged() {
        String url = "jdbc:postgresql://db.example:6543/sales?sslmode=require";
        assertEquals(url, provider.toJdbcUrl(url));
        assertEquals("jdbc:postgresql:sales", provider.toJdbcUrl("jdbc:postgresql:sales"));
    }

    @Test
    void uri_becomesJdbcUrlWithCredentialsAsParameters() {
        assertEquals("jdbc:postgresql://db.example:5433/sales?user=alice&password=secret&sslmode=require",
                provider.toJdbcUrl("postgresql://alice:secret@db.example:5433/sales?sslmode=require"));
        assertEquals("jdbc:postgresql://localhost/app?user=bob",
                provider.toJdbcUrl("postgres://bob@localhost/app"));
        assertEquals("jdbc:postgresql://h1:5432,h2:5433/db", provider.toJdbcUrl("postgresql://h1:5432,h2:5433/db"));
        assertEquals("jdbc:postgresql://[::1]:5432/db", provider.toJdbcUrl("postgresql://[::1]:5432/db"));
        assertEquals("jdbc:postgresql://localhost/", provider.toJdbcUrl("postgresql://"));
        assertEquals("jdbc:postgresql://h/db?ApplicationName=rivet+job&connectTimeout=5",
                provider.toJdbcUrl("postgresql://h/db?application_name=rivet%20job&connect_timeout=5"));
    }

    @Test
    void specialCharactersInCredentials_roundTripThroughPgjdbc() {
        String password = "p@ss:w/rd?&=+% é#";
        String encoded = "p%40ss%3Aw%2Frd%3F%26%3D+%25%20%C3%A9%23";
        String jdbc = provider.toJdbcUrl("postgresql://us%40er:" + encoded + "@db:5432/x%20y");
        Properties p = Driver.parseURL(jdbc, null);
        assertEquals("us@er", p.getProperty("user"));
        assertEquals(password, p.getProperty("password"));
        assertEquals("db", p.getProperty("PGHOST"));
        assertEquals("5432", p.getProperty("PGPORT"));
    }

    @Test
    void otherDatabases_returnNull() {
        assertNull(provider.toJdbcUrl("mysql://root@localhost/db"));
        assertNull(provider.toJdbcUrl("jdbc:mysql://localhost/db"));
        assertNull(provider.toJdbcUrl("postgresqlx://h/db"));
        assertNull(provider.toJdbcUrl(null));
    }

    @Test
    void malformedEscape_failsWithoutShowingThePassword() {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> provider.toJdbcUrl("postgresql://u:hunter2%zz@h/db"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("password"), e.getMessage());
    }

    @Test
    void product_andName() {
        assertTrue(provider.supportsProduct("PostgreSQL"));
        assertFalse(provider.supportsProduct("MySQL"));
        assertEquals("postgres", provider.name());
        assertEquals("postgres", provider.create().name());
    }

    @Test
    void registeredForServiceLoader() {
        DialectProvider found = ServiceLoader.load(DialectProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("postgres")).findFirst().orElseThrow();
        assertInstanceOf(PostgresDialectProvider.class, found);
    }
}
