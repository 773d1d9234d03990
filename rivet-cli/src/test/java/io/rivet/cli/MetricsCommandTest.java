package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsCommandTest {

    @Test
    void trend_comparesTheNewestWithTheMedianOfTheEarlierRuns() {
        assertEquals("12.0s, +20% vs median of 3 earlier successful runs",
                MetricsCommand.trend(List.of(9.0, 10.0, 11.0, 12.0), "12.0s"));
        assertEquals("5.0s, -50% vs median of 1 earlier successful run",
                MetricsCommand.trend(List.of(10.0, 5.0), "5.0s"));
    }

    @Test
    void sparkline_scalesFromLowestToHighest() {
        assertEquals("▁▅█", MetricsCommand.sparkline(List.of(1.0, 5.0, 8.0)));
        assertEquals("▅▅", MetricsCommand.sparkline(List.of(3.0, 3.0)));
    }
}
