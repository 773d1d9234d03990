package io.rivet.core.testing;

import java.util.HashMap;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mysql.MySQLContainer;

/** Starts MySQL servers in Docker through Testcontainers, once per image and JVM; stopped when the JVM exits. */
public final class MySqlContainers {
    private static final Map<String, MySqlServer> STARTED = new HashMap<>();

    private MySqlContainers() {
    }

    /** Whether a Docker engine answers (cheap: Testcontainers caches the answer). */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Starts {@code image} (e.g. {@code mysql:8.4}) with root access for creating databases.
     *
     * @throws IllegalStateException when no Docker engine answers
     */
    @SuppressWarnings("resource") // stopped by the shutdown hook
    public static synchronized MySqlServer start(String image) {
        MySqlServer running = STARTED.get(image);
        if (running != null) {
            return running;
        }
        if (!dockerAvailable()) {
            throw new IllegalStateException("no Docker engine answers");
        }
        MySQLContainer container = new MySQLContainer(image).withUsername("root").withPassword("rivet")
                .withDatabaseName("test");
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "rivet-mysql-container-stop"));
        String url = "jdbc:mysql://" + container.getHost() + ":" + container.getMappedPort(3306) + "/";
        MySqlServer server = new MySqlServer(url, "root", "rivet", "Testcontainers " + image);
        STARTED.put(image, server);
        return server;
    }
}
