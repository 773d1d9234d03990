package io.rivet.core.internal.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rivet.core.internal.util.Json;
import org.junit.jupiter.api.Test;

class ManifestReaderTest {

    @Test
    void stringsWrittenByJsonReadBackExactly() {
        String tricky = "2024-01-01 10:00:00.123456+00 \"quoted\" back\\slash\ttab\nnewline\b\f\u0001 é 🦀";
        String doc = new Json().beginObject().field("cursor_to", tricky).name("cursor_to_key").value((String) null)
                .field("rows", 3).endObject().toString();
        assertEquals(tricky, ManifestReader.string(doc, "cursor_to"));
        assertNull(ManifestReader.string(doc, "cursor_to_key"));
        assertNull(ManifestReader.string(doc, "absent"));
    }
}
