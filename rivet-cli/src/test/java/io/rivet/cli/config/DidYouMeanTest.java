package io.rivet.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
    private static final List<String> KEYS = Keys.EXPORT.allowed();

    @Test
    void distance_counts_edits() {
        assertEquals(0, DidYouMean.distance("abc", "abc"));
        assertEquals(1, DidYouMean.distance("chunk_colum", "chunk_column"));
        assertEquals(2, DidYouMean.distance("tabel", "table"));
        assertEquals(3, DidYouMean.distance("", "abc"));
    }

    @Test
    void suggests_within_two_edits_ignoring_case() {
        assertEquals("chunk_column", DidYouMean.suggest("chunk_colum", KEYS));
        assertEquals("table", DidYouMean.suggest("tabel", KEYS));
        assertEquals("format", DidYouMean.suggest("FORMAT", KEYS));
    }

    @Test
    void suggests_by_prefix_when_far_in_edits() {
        assertEquals("destination", DidYouMean.suggest("dest", KEYS));
        assertEquals("compression", DidYouMean.suggest("compression_codec", KEYS));
    }

    @Test
    void no_suggestion_for_unrelated_words() {
        assertNull(DidYouMean.suggest("colour", KEYS));
        assertNull(DidYouMean.suggest("zz", KEYS));
    }
}
