package io.rivet.cli.config;

import java.util.Collection;
import java.util.Locale;

/** Finds the allowed word closest to a misspelt one, for "did you mean" hints. Stateless. */
final class DidYouMean {
    private static final int MAX_DISTANCE = 2;

    private DidYouMean() {
    }

    /**
     * Returns the candidate closest to {@code word} (Levenshtein distance at most 2, ignoring case), or one that
     * {@code word} is a prefix of (or that is a prefix of {@code word}), or {@code null} when none is close.
     */
    static String suggest(String word, Collection<String> candidates) {
        String w = word.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(w, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= MAX_DISTANCE) {
            return best;
        }
        // A truncated or over-long key ("chunk" for "chunk_column", "destinations" for "destination") is a
        // likelier slip than a random word; three letters keep "a" from matching everything.
        if (w.length() >= 3) {
            for (String candidate : candidates) {
                String c = candidate.toLowerCase(Locale.ROOT);
                if (c.startsWith(w) || (c.length() >= 3 && w.startsWith(c))) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** The Levenshtein edit distance between two strings. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
