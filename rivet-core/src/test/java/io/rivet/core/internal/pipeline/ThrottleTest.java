package io.rivet.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThrottleTest {

    @Test
    void debt_isProportionalToRowsNotToBatches() {
        Throttle manySmall = new Throttle(Duration.ofMillis(500), 2_000);
        for (int i = 0; i < 10; i++) {
            manySmall.rowsRead(100);
        }
        Throttle oneLarge = new Throttle(Duration.ofMillis(500), 2_000);
        oneLarge.rowsRead(1_000);

        assertEquals(Duration.ofMillis(250).toNanos(), manySmall.debtNanos());
        assertEquals(manySmall.debtNanos(), oneLarge.debtNanos());
    }

    @Test
    void zeroThrottle_owesNothing() throws InterruptedException {
        Throttle none = new Throttle(Duration.ZERO, 50_000);
        none.rowsRead(1_000_000);
        assertEquals(0, none.debtNanos());
        assertEquals(0, none.pay());
    }

    @Test
    void pay_clearsTheDebt() throws InterruptedException {
        Throttle t = new Throttle(Duration.ofMillis(2), 1_000);
        t.rowsRead(1_000);
        assertEquals(Duration.ofMillis(2).toNanos(), t.pay());
        assertEquals(0, t.debtNanos());
    }
}
