package io.rivet.core.internal.dialect.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mysql.cj.exceptions.CJCommunicationsException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MySqlErrorsTest {

    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource({
        "1205, HY000, true", "1213, 40001, true", "3572, HY000, true", "1040, 08004, true", "1203, 42000, true",
        "1041, HY000, true", "1053, 08S01, true", "1927, 70100, true", "2013, HY000, true", "2006, HY000, true",
        "0, 08S01, true", "0, 08001, true", "0, 40001, true",
        "3024, HY000, false", "1969, 70100, false", "1317, 70100, false",
        "1045, 28000, false", "1146, 42S02, false", "1054, 42S22, false", "1064, 42000, false",
        "1792, 25006, false", "1292, 22007, false", "0, 22003, false", "1105, HY000, false",
    })
    void classifiesByCodeThenState(int code, String state, boolean retryable) {
        assertEquals(retryable, MySqlErrors.isRetryable(new SQLException("x", state, code)));
    }

    @Test
    void noCode_isPermanent_andCauseChainIsSearched() {
        assertEquals(false, MySqlErrors.isRetryable(new SQLException("nothing")));
        SQLException inner = new SQLException("deadlock", "40001", 1213);
        assertEquals(true, MySqlErrors.isRetryable(new SQLException("outer", null, inner)));
    }

    @Test
    void aLostConnectionIsRetryableWhateverItsState() {
        // What Connector/J throws from ResultSet.close() when the server has just killed the connection.
        SQLException onClose = new SQLException("Communications link failure", "S1000", 0,
                new CJCommunicationsException("Communications link failure",
                        new java.io.EOFException("Can not read response from server.")));
        assertEquals(true, MySqlErrors.isRetryable(onClose));
    }
}
