package io.rivet.core.spi;

import io.rivet.Incubating;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Tells a dialect that a read may be split into keyset pages: the rows of {@code SELECT * FROM <from> [WHERE <filter>]}
 * can be read in order of {@code keyColumns}, a key that is unique and never NULL (the table's primary key), each page
 * being one short statement {@code ... WHERE <filter> AND (key) > (last key read) ORDER BY key LIMIT n} inside the
 * same transaction. Dialects whose single statement already stays short (PostgreSQL's {@code FETCH} from a cursor)
 * ignore it. Immutable and serializable, like the chunk task that carries it.
 *
 * @param from the relation as it appears after {@code FROM}, already quoted, e.g. {@code `shop`.`orders`}
 * @param filter the predicate every row must satisfy (e.g. the chunk's key range), or {@code null} for all rows
 * @param keyColumns the key's column names in order; each names a column of the read
 */
@Incubating(since = "0.1")
public record KeysetPaging(String from, String filter, List<String> keyColumns) implements Serializable {

    /** Checks its arguments and copies the key. */
    public KeysetPaging {
        Objects.requireNonNull(from, "from");
        keyColumns = List.copyOf(keyColumns);
        if (keyColumns.isEmpty()) {
            throw new IllegalArgumentException("a paging key needs at least one column");
        }
    }
}
