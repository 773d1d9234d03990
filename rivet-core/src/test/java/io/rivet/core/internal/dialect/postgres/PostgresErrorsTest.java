package io.rivet.core.internal.dialect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresErrorsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "08000, true", "08006, true", "08001, true", "08P01, true",
        "40001, true", "40P01, true", "55P03, true",
        "57P01, true", "57P02, true", "57P03, true",
        "53300, true", "53200, true", "53100, true",
        "57014, false", "57P04, false", "55000, false", "40002, false",
        "28P01, false", "28000, false", "42601, false", "42P01, false", "42501, false",
        "22003, false", "22P02, false", "25006, false", "XX000, false", "0A000, false",
    })
    void classifiesBySqlState(String state, boolean retryable) {
        assertEquals(retryable, PostgresErrors.isRetryable(new SQLException("x", state)));
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void unknownState_isPermanent_andCauseChainIsSearched(boolean wrapped) {
        assertEquals(false, PostgresErrors.isRetryable(new SQLException("no state")));
        SQLException inner = new SQLException("lost", "08006");
        SQLException outer = wrapped ? new SQLException("outer", null, inner) : inner;
        assertEquals(true, PostgresErrors.isRetryable(outer));
    }
}
