package io.rivet.core.internal.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyTupleTest {

    @Test
    void encodeDecode_roundTripsAwkwardText() {
        List<String> values = List.of("plain", "", "quote \" and \\ back", "line\nbreak\ttab\r", "\u0001ctl", "é 東京 😀",
                "2024-01-01 10:00:00.123456+00");
        String text = KeyTuple.encode(values);
        assertEquals(values, KeyTuple.decode(text));
        assertEquals("[\"a\",\"b\"]", KeyTuple.encode(List.of("a", "b")));
        assertEquals(List.of(), KeyTuple.decode("[]"));
        assertEquals(List.of("x", "y"), KeyTuple.decode(" [ \"x\" , \"y\" ] "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "42", "[", "[\"a\"", "[\"a\",]", "[\"a\"] x", "[1]", "[\"\\q\"]", "[\"\\u12\"]"})
    void decode_refusesWhatEncodeNeverWrites(String text) {
        assertThrows(IllegalArgumentException.class, () -> KeyTuple.decode(text));
    }

    @Test
    void encode_refusesNull() {
        assertThrows(IllegalArgumentException.class, () -> KeyTuple.encode(java.util.Arrays.asList("a", null)));
    }
}
