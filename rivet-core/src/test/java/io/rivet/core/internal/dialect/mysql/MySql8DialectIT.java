package io.rivet.core.internal.dialect.mysql;

import io.rivet.core.testing.MySqlContainers;
import io.rivet.core.testing.MySqlServer;
import io.rivet.core.testing.TestDatabases;
import org.junit.jupiter.api.Assumptions;

/**
 * {@link MySqlDialectIT} against Oracle MySQL 8 ({@link TestDatabases#MYSQL_IMAGE}) in Docker. Where no Docker engine
 * answers, every test is skipped with that reason (MariaDB still runs them through {@link MySqlDialectIT}).
 */
class MySql8DialectIT extends MySqlDialectIT {
    @Override
    MySqlServer server() {
        boolean docker = MySqlContainers.dockerAvailable();
        if (!docker) {
            System.out.println("[rivet tests] MySql8DialectIT skipped: no Docker engine for " + TestDatabases.MYSQL_IMAGE);
        }
        Assumptions.assumeTrue(docker, "no Docker engine: MySQL 8 (" + TestDatabases.MYSQL_IMAGE + ") tests skipped");
        return MySqlContainers.start(TestDatabases.MYSQL_IMAGE);
    }
}
