package io.rivet.core.internal.dialect.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mysql.cj.conf.ConnectionUrl;
import com.mysql.cj.conf.HostInfo;
import io.rivet.core.spi.DialectProvider;
import io.rivet.exception.RivetConfigException;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MySqlDialectProviderTest {

    private final MySqlDialectProvider provider = new MySqlDialectProvider();

    @Test
    void jdbcUrls_passUnchanged_andMariaDbJdbcUrlsUseConnectorJ() {
        String url = "jdbc:mysql://db.example:3307/sales?sslMode=REQUIRED";
        assertEquals(url, provider.toJdbcUrl(url));
        assertEquals("jdbc:mysql://db:3306/app?user=x", provider.toJdbcUrl("jdbc:mariadb://db:3306/app?user=x"));
    }

    @Test
    void uris_becomeJdbcUrlsWithCredentialsAsParameters() {
        assertEquals("jdbc:mysql://db.example:3307/sales?user=alice&password=secret&sslMode=REQUIRED",
                provider.toJdbcUrl("mysql://alice:secret@db.example:3307/sales?ssl-mode=REQUIRED"));
        assertEquals("jdbc:mysql://localhost/app?user=bob", provider.toJdbcUrl("mariadb://bob@localhost/app"));
        assertEquals("jdbc:mysql://127.0.0.1:3306/test?user=root", provider.toJdbcUrl("mysql://root@127.0.0.1:3306/test"));
        assertEquals("jdbc:mysql://localhost/", provider.toJdbcUrl("mysql://"));
        assertEquals("jdbc:mysql://h/db?connectTimeout=5000&zeroDateTimeBehavior=CONVERT_TO_NULL",
                provider.toJdbcUrl("mysql://h/db?connect_timeout=5&zeroDateTimeBehavior=CONVERT_TO_NULL"));
    }

    @Test
    void specialCharactersInCredentials_roundTripThroughConnectorJ() {
        String password = "p@ss:w/rd?&=+% é#";
        String encoded = "p%40ss%3Aw%2Frd%3F%26%3D+%25%20%C3%A9%23";
        String jdbc = provider.toJdbcUrl("mysql://us%40er:" + encoded + "@db:3306/shop");
        ConnectionUrl parsed = ConnectionUrl.getConnectionUrlInstance(jdbc, new Properties());
        HostInfo host = parsed.getMainHost();
        assertEquals("us@er", host.getUser());
        assertEquals(password, host.getPassword());
        assertEquals("db", host.getHost());
        assertEquals(3306, host.getPort());
        assertEquals("shop", host.getDatabase());
    }

    @Test
    void otherDatabases_returnNull() {
        assertNull(provider.toJdbcUrl("postgresql://root@localhost/db"));
        assertNull(provider.toJdbcUrl("jdbc:postgresql://localhost/db"));
        assertNull(provider.toJdbcUrl("mysqlx://h/db"));
        assertNull(provider.toJdbcUrl(null));
    }

    @Test
    void malformedEscapesAndTimeouts_failWithoutEchoingThePassword() {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> provider.toJdbcUrl("mysql://u:hunter2%zz@h/db"));
        assertTrue(e.getMessage().contains("password") && !e.getMessage().contains("hunter2"), e.getMessage());
        RivetConfigException t = assertThrows(RivetConfigException.class,
                () -> provider.toJdbcUrl("mysql://h/db?connect_timeout=soon"));
        assertTrue(t.getMessage().contains("connect_timeout"), t.getMessage());
    }

    @Test
    void products_andServiceRegistration() {
        assertTrue(provider.supportsProduct("MySQL"));
        assertTrue(provider.supportsProduct("MariaDB"));
        assertFalse(provider.supportsProduct("PostgreSQL"));
        assertInstanceOf(MySqlDialect.class, provider.create());
        assertEquals("mysql", provider.create().name());
        boolean found = false;
        for (DialectProvider p : ServiceLoader.load(DialectProvider.class)) {
            found |= p instanceof MySqlDialectProvider;
        }
        assertTrue(found, "MySqlDialectProvider is registered in META-INF/services");
    }
}
