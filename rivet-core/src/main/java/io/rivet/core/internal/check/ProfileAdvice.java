package io.rivet.core.internal.check;

import io.rivet.Profile;

/**
 * The profile Rivet recommends, shared by {@code check} and {@code init}: FAST on a replica (no application traffic
 * to protect); SAFE on a primary for a big table (at least {@link CheckRules#BIG_TABLE_ROWS} estimated rows or
 * {@link CheckRules#BIG_TABLE_BYTES} on disk); BALANCED otherwise, and whenever the server could not be inspected.
 *
 * @param profile the built-in profile
 * @param reason why, in one clause
 */
record ProfileAdvice(Profile profile, String reason) {

    /**
     * Recommends a profile.
     *
     * @param replica whether the source is a replica, or {@code null} when unknown
     * @param rows the table's (or the read's) estimated rows, -1 when unknown
     * @param bytes the table's size, -1 when unknown
     */
    static ProfileAdvice of(Boolean replica, long rows, long bytes) {
        if (Boolean.TRUE.equals(replica)) {
            return new ProfileAdvice(Profile.FAST, "the source is a read replica, so there is no application"
                    + " traffic to protect");
        }
        boolean big = rows >= CheckRules.BIG_TABLE_ROWS || bytes >= CheckRules.BIG_TABLE_BYTES;
        String size = rows >= 0 ? "~" + Text.count(rows) + " rows" : "size " + Text.bytes(bytes);
        if (replica == null) {
            return new ProfileAdvice(Profile.BALANCED, "whether the source is a replica is unknown");
        }
        if (big) {
            return new ProfileAdvice(Profile.SAFE, "a primary and a big table (" + size + "): small batches,"
                    + " pauses and short timeouts keep the load gentle");
        }
        return new ProfileAdvice(Profile.BALANCED, "a primary and a table of moderate size (" + size + ")");
    }
}
