package io.rivet.core.internal.dialect.postgres;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutor;
import org.postgresql.core.QueryExecutorBase;
import org.postgresql.core.VisibleBufferedInputStream;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * The bytes of one {@code COPY ... TO STDOUT} as a stream the binary decoder reads in place: {@link #require(int)}
 * makes the next {@code n} bytes contiguous in {@link #buf} from {@link #pos}. Used by one thread; not thread-safe.
 *
 * <p>Two ways to get the bytes, measured in docs/design/006-fast-path.md:
 * <ul>
 *   <li><b>direct</b> (the default): each CopyData message's payload is read from pgjdbc's own protocol stream into
 *       one reused buffer, so no object is allocated per row. pgjdbc only hands out COPY data as one new
 *       {@code byte[]} per message (that is, per row), which at 300 MB/s of rows is what made the JVM's heap grow.
 *       Every message that is not CopyData (CopyDone, CommandComplete, ErrorResponse, notices, ReadyForQuery) is
 *       left to pgjdbc through {@link CopyOut#readFromCopy()}, so the driver's state machine, error reporting and
 *       connection lock stay exactly as pgjdbc keeps them. The stream is pgjdbc's {@code protected} field, read once
 *       by reflection.</li>
 *   <li><b>driver</b> (the fallback when that field cannot be read, e.g. a wrapped or future driver): one
 *       {@link CopyOut#readFromCopy()} per message, used in place when a message holds whole fields.</li>
 * </ul>
 */
final class CopyInput {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final byte COPY_DATA = 'd';
    private static final Field PG_STREAM = field(QueryExecutorBase.class, "pgStream", PGStream.class);
    /** pgjdbc's socket buffer and the stream holding it, both private: see {@link #widenReceiveBuffer}. */
    private static final Field PG_INPUT = field(PGStream.class, "pgInput", VisibleBufferedInputStream.class);
    private static final Field INPUT_BUFFER = field(VisibleBufferedInputStream.class, "buffer", byte[].class);
    /** Bytes pgjdbc reads from the socket at a time once a COPY has widened its buffer. */
    static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

    private final CopyOut copy;
    private final PGStream stream;
    /** The bytes being decoded: {@code buf[pos..limit)} is not consumed yet. */
    byte[] buf;
    int pos;
    int limit;
    /** Our own buffer (direct mode, or the carry-over of the driver mode). */
    /** Grows to the largest row (direct mode) or the largest row split across messages (driver mode). */
    private byte[] own = new byte[8 * 1024];
    private boolean ended;

    private CopyInput(CopyOut copy, PGStream stream) {
        this.copy = copy;
        this.stream = stream;
        this.buf = own;
    }

    /** Reads {@code copy}'s data from {@code connection}'s protocol stream when that is possible, else message by message. */
    static CopyInput open(Connection connection, CopyOut copy, boolean direct) {
        PGStream stream = direct ? streamOf(connection) : null;
        if (stream != null) {
            widenReceiveBuffer(stream);
        }
        return new CopyInput(copy, stream);
    }

    /**
     * Grows pgjdbc's socket buffer from 8 KB to {@value #RECEIVE_BUFFER_BYTES} bytes, keeping what it holds. pgjdbc
     * fills that buffer with one socket read at a time, so a COPY of 1 GB took 130,000 reads, and those system calls
     * were a third of the reader thread's CPU (docs/benchmarks.md, session 5). The buffer is replaced by a larger
     * copy with the same contents and positions, which is what pgjdbc does itself when it needs a larger one; the
     * connection keeps it afterwards. Without access to the fields (another driver version) nothing changes.
     */
    static void widenReceiveBuffer(PGStream stream) {
        if (PG_INPUT == null || INPUT_BUFFER == null) {
            return;
        }
        try {
            VisibleBufferedInputStream in = (VisibleBufferedInputStream) PG_INPUT.get(stream);
            byte[] buffer = in.getBuffer();
            if (buffer.length < RECEIVE_BUFFER_BYTES) {
                INPUT_BUFFER.set(in, Arrays.copyOf(buffer, RECEIVE_BUFFER_BYTES));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Keep pgjdbc's own buffer.
        }
    }

    /** {@code owner}'s field {@code name}, made accessible, or null when it is missing or not of {@code type}. */
    private static Field field(Class<?> owner, String name, Class<?> type) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f.getType() == type ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The whole of a COPY's data already in memory (for tests and benchmarks of the decoder). */
    static CopyInput ofBytes(byte[] data) {
        CopyInput in = new CopyInput(null, null);
        in.buf = data;
        in.limit = data.length;
        in.ended = true;
        return in;
    }

    /** Whether the data is read straight from the protocol stream (no allocation per row). */
    boolean direct() {
        return stream != null;
    }

    /** Whether pgjdbc has seen the end of the COPY (ReadyForQuery), so the connection is usable again. */
    boolean ended() {
        return ended;
    }

    private static PGStream streamOf(Connection connection) {
        if (PG_STREAM == null) {
            return null;
        }
        try {
            QueryExecutor executor = connection.unwrap(BaseConnection.class).getQueryExecutor();
            return executor instanceof QueryExecutorBase ? (PGStream) PG_STREAM.get(executor) : null;
        } catch (SQLException | ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Makes {@code n} bytes available at {@code buf[pos..pos+n)}.
     *
     * @throws SQLException when the COPY ends first (SQLSTATE 08P01), or as the server reports an error
     */
    void require(int n) throws SQLException {
        if (limit - pos >= n) {
            return;
        }
        int rest = limit - pos;
        if (rest == 0 && stream == null) {
            // Driver mode, nothing left over: decode the driver's array in place, no copy.
            byte[] next = nextDriverMessage();
            if (next == null) {
                throw truncated();
            }
            buf = next;
            pos = 0;
            limit = next.length;
            if (limit >= n) {
                return;
            }
            rest = limit;
        }
        // Move what is left to the front of our own buffer and append messages until n bytes are there.
        if (own.length < n) {
            own = Arrays.copyOf(own, Math.max(n, own.length * 2));
        }
        if (rest > 0 && (buf != own || pos > 0)) {
            System.arraycopy(buf, pos, own, 0, rest);
        }
        buf = own;
        pos = 0;
        limit = rest;
        while (limit < n) {
            if (!appendMessage()) {
                throw truncated();
            }
        }
    }

    /** Appends the next CopyData payload to our own buffer; false at the end of the COPY. */
    private boolean appendMessage() throws SQLException {
        if (stream != null) {
            try {
                if (stream.peekChar() == COPY_DATA) {
                    stream.receiveChar();
                    int len = stream.receiveInteger4() - 4;
                    ensureRoom(len);
                    stream.receive(own, limit, len);
                    limit += len;
                    return true;
                }
            } catch (IOException e) {
                throw new PSQLException("Database connection failed when reading from copy",
                        PSQLState.CONNECTION_FAILURE, e);
            }
        }
        byte[] next = nextDriverMessage();
        if (next == null) {
            return false;
        }
        ensureRoom(next.length);
        System.arraycopy(next, 0, own, limit, next.length);
        limit += next.length;
        return true;
    }

    private byte[] nextDriverMessage() throws SQLException {
        if (ended) {
            return null;
        }
        byte[] next = copy.readFromCopy();
        if (next == null) {
            ended = true;
        }
        return next;
    }

    private void ensureRoom(int len) {
        if (own.length - limit < len) {
            own = Arrays.copyOf(own, Math.max(limit + len, own.length * 2));
            buf = own;
        }
    }

    /** Reads pgjdbc's remaining messages (CopyDone, CommandComplete, ReadyForQuery) after the trailer. */
    void finish() throws SQLException {
        while (nextDriverMessage() != null) {
            // A CopyData after the trailer would be a protocol error; there is none in practice.
        }
    }

    /** The next two bytes as a big-endian short, left unread. */
    short peekShort() throws SQLException {
        require(2);
        return (short) SHORT.get(buf, pos);
    }

    short readShort() throws SQLException {
        short v = peekShort();
        pos += 2;
        return v;
    }

    int readInt() throws SQLException {
        require(4);
        int v = (int) INT.get(buf, pos);
        pos += 4;
        return v;
    }

    static short getShort(byte[] b, int off) {
        return (short) SHORT.get(b, off);
    }

    static int getInt(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    static long getLong(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    private static SQLException truncated() {
        return new PSQLException("The COPY data ended in the middle of a row", PSQLState.PROTOCOL_VIOLATION);
    }
}
