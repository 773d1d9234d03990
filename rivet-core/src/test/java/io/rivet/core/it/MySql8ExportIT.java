package io.rivet.core.it;

import io.rivet.core.testing.MySqlContainers;
import io.rivet.core.testing.MySqlServer;
import io.rivet.core.testing.TestDatabases;
import org.junit.jupiter.api.Assumptions;

/**
 * {@link MySqlExportIT} against Oracle MySQL 8 ({@link TestDatabases#MYSQL_IMAGE}) in Docker. Where no Docker engine
 * answers, every test is skipped with that reason (MariaDB still runs them through {@link MySqlExportIT}).
 */
class MySql8ExportIT extends MySqlExportIT {
    @Override
    MySqlServer server() {
        boolean docker = MySqlContainers.dockerAvailable();
        if (!docker) {
            System.out.println("[rivet tests] MySql8ExportIT skipped: no Docker engine for " + TestDatabases.MYSQL_IMAGE);
        }
        Assumptions.assumeTrue(docker, "no Docker engine: MySQL 8 (" + TestDatabases.MYSQL_IMAGE + ") tests skipped");
        return MySqlContainers.start(TestDatabases.MYSQL_IMAGE);
    }
}
