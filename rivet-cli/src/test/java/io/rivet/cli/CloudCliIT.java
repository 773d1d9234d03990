package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.sink.s3.testing.FaultProxy;
import io.rivet.sink.s3.testing.S3Server;
import io.rivet.sink.s3.testing.S3ServerExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The CLI against a real S3-compatible server (S3Proxy, a child process) and the local PostgreSQL: {@code rivet run}
 * with an {@code s3} destination from YAML, and {@code rivet doctor} passing, and failing with the right fix for a
 * missing bucket, bad credentials, an unreachable endpoint and an unreachable database. Credentials reach the SDK's
 * default chain through the {@code aws.accessKeyId} / {@code aws.secretAccessKey} system properties.
 */
class CloudCliIT {
    @RegisterExtension
    static final S3ServerExtension S3 = new S3ServerExtension("cli-bucket");

    private static TestDatabases.PostgresDatabase db;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabases.postgres().createDatabase("cloud_cli_it");
        db.execute("CREATE TABLE public.orders (id bigint PRIMARY KEY, customer text, amount numeric(10,2))",
                "INSERT INTO public.orders SELECT g, 'c' || g, g * 1.5 FROM generate_series(1, 5000) g");
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void credentials() {
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
    }

    @AfterEach
    void clearCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private int rivet(String... args) {
        Map<String, String> env = new HashMap<>();
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.user();
        env.put("RIVET_IT_URL", db.password() == null ? url : url + "&password=" + db.password());
        env.put("BAD_DB_URL", "jdbc:postgresql://127.0.0.1:1/nowhere?user=postgres&connectTimeout=2");
        return new RivetCli(new PrintWriter(out), new PrintWriter(err), env, false).execute(args);
    }

    private Path config(String urlVariable, String destination) throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, """
                source:
                  type: postgres
                  url_env: %s
                exports:
                  - name: orders
                    table: public.orders
                    mode: chunked
                    chunk_size: 1000
                    parallel: 2
                    format: parquet
                    destination: %s
                """.formatted(urlVariable, destination));
        return file;
    }

    private static String s3(String bucket, URI endpoint) {
        return "{type: s3, bucket: " + bucket + ", prefix: cli/out, endpoint: \"" + endpoint + "\", region: us-east-1}";
    }

    @Test
    void run_exportsToS3FromYaml() throws Exception {
        Path file = config("RIVET_IT_URL", s3("cli-bucket", S3.server().endpoint()));

        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());

        assertTrue(out.toString().contains("orders: 5,000 rows"), out.toString());
        try (S3Client client = S3.server().client()) {
            List<String> keys = client.listObjectsV2Paginator(b -> b.bucket("cli-bucket").prefix("cli/out/orders/"))
                    .contents().stream().map(o -> o.key()).sorted().toList();
            assertEquals(7, keys.size(), "5 chunk files, manifest.json and _SUCCESS: " + keys);
            Path local = Files.createDirectories(dir.resolve("download"));
            StringBuilder list = new StringBuilder();
            for (String key : keys) {
                if (key.endsWith(".parquet")) {
                    Path f = local.resolve(key.substring(key.lastIndexOf('/') + 1));
                    Files.write(f, client.getObjectAsBytes(b -> b.bucket("cli-bucket").key(key)).asByteArray());
                    list.append(list.length() == 0 ? "" : ", ").append('\'').append(f).append('\'');
                }
            }
            try (DuckDb duck = new DuckDb()) {
                assertEquals(List.of(List.of("5000", "12502500", "18753750.00")), duck.rows(
                        "SELECT count(*), sum(id), sum(amount) FROM read_parquet([" + list + "])"));
            }
        }
    }

    @Test
    void doctor_passesForAWorkingSourceAndBucket_andLeavesNoProbe() throws Exception {
        Path file = config("RIVET_IT_URL", s3("cli-bucket", S3.server().endpoint()));

        assertEquals(0, rivet("doctor", "-c", file.toString()), out + "\n" + err);

        String table = out.toString();
        assertTrue(table.contains("source") && table.contains("PostgreSQL"), table);
        assertTrue(table.contains("s3://cli-bucket/cli/out/") && table.contains("pass"), table);
        assertTrue(table.contains("All 2 checks passed."), table);
        try (S3Client client = S3.server().client()) {
            assertTrue(client.listObjectsV2(b -> b.bucket("cli-bucket").prefix("cli/out/.rivet_doctor_probe"))
                    .contents().isEmpty(), "the probe object was deleted");
        }
    }

    @Test
    void doctor_json_reportsEachCheck() throws Exception {
        Path file = config("RIVET_IT_URL", "{type: local, path: out}");

        assertEquals(0, rivet("doctor", "-c", file.toString(), "--json"), err.toString());

        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertTrue(doc.get("ok").asBoolean());
        assertEquals(2, doc.get("checks").size());
        assertEquals("destination", doc.get("checks").get(1).get("check").asText());
        assertEquals(dir.resolve("out").toUri().toString(), doc.get("checks").get(1).get("target").asText());
        assertFalse(Files.exists(dir.resolve("out/.rivet_doctor_probe")));
    }

    @Test
    void doctor_missingBucket_failsWithTheFix() throws Exception {
        Path file = config("RIVET_IT_URL", s3("no-such-bucket", S3.server().endpoint()));

        assertEquals(1, rivet("doctor", "-c", file.toString()));

        String table = out.toString();
        assertTrue(table.contains("FAIL"), table);
        assertTrue(table.contains("writing the probe object .rivet_doctor_probe failed"), table);
        assertTrue(table.contains("The bucket \"no-such-bucket\" does not exist: create it"), table);
        assertTrue(table.contains("1 of 2 checks failed"), table);
    }

    @Test
    void doctor_wrongSecret_pointsAtTheCredentials() throws Exception {
        System.setProperty("aws.secretAccessKey", "wrong");
        Path file = config("RIVET_IT_URL", s3("cli-bucket", S3.server().endpoint()));

        assertEquals(1, rivet("doctor", "-c", file.toString()));

        assertTrue(out.toString().contains("access_key_env and secret_key_env"), out.toString());
    }

    @Test
    void doctor_unreachableEndpointAndDatabase_failRetryablyWithTheirFixes() throws Exception {
        URI dead;
        try (FaultProxy closed = new FaultProxy(S3.server().endpoint())) {
            dead = closed.endpoint();
        }
        Path file = config("BAD_DB_URL", s3("cli-bucket", dead));

        assertEquals(2, rivet("doctor", "-c", file.toString()));

        String table = out.toString();
        assertTrue(table.contains("check source host and port"), table);
        assertTrue(table.contains("check destination.endpoint"), table);
        assertTrue(table.contains("2 of 2 checks failed"), table);
    }
}
