package io.rivet.cli.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.sink.gcs.internal.GcsSinkProvider;
import io.rivet.sink.s3.internal.S3SinkProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysTest {

    /** A key a sink provider reads but the YAML loader refuses is a bug users cannot work around. */
    @Test
    void everyOptionOfTheCloudSinksIsAnAllowedDestinationKey() {
        List<String> allowed = Keys.DESTINATION.allowed();
        for (String option : S3SinkProvider.OPTIONS) {
            assertTrue(allowed.contains(option), "S3 option " + option + " is missing from Keys.DESTINATION");
        }
        for (String option : GcsSinkProvider.OPTIONS) {
            assertTrue(allowed.contains(option), "GCS option " + option + " is missing from Keys.DESTINATION");
        }
    }
}
