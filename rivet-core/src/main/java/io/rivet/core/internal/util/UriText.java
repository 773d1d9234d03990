package io.rivet.core.internal.util;

import io.rivet.exception.RivetConfigException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Small pieces of URI parsing that the dialect providers share (user info, parameters). Stateless. */
public final class UriText {

    private UriText() {
    }

    /** The index of the first character of {@code s} that is one of {@code chars}, or -1. */
    public static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * RFC 3986 percent-decoding: unlike URLDecoder, '+' stays a plus sign (it is literal in a URI's user info).
     *
     * @param what what {@code s} is, for the message ("user name", "password", "parameter sslmode")
     * @param database the database the URL is for, for the message ("MySQL", "PostgreSQL")
     * @throws RivetConfigException for a malformed escape
     */
    public static String percentDecode(String s, String what, String database) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%') {
                int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(bytes[i + 2], 16);
                if (lo < 0) {
                    throw new RivetConfigException("The " + what + " in the " + database + " URL has a malformed"
                            + " percent escape ('%' must be followed by two hex digits). Encode '%' as %25.");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
