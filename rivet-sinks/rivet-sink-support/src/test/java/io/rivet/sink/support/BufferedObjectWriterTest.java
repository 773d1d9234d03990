package io.rivet.sink.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.ExportCancelledException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferedObjectWriterTest {

    /** Keeps the parts it is sent; "publishes" by keeping what the buffer holds at commit. */
    private static class RecordingWriter extends BufferedObjectWriter {
        final List<byte[]> parts = new ArrayList<>();
        final int partSize;
        byte[] published;
        boolean pooledAtCommit;

        RecordingWriter(PartBufferPool pool, int partSize) {
            super("part-00000-000.parquet", "test", "mem://bucket/", pool);
            this.partSize = partSize;
        }

        @Override
        protected void publish() throws IOException {
            if (partsSent > 0) {
                if (count() > 0) {
                    sendPart();
                }
                published = new byte[0];
                return;
            }
            pooledAtCommit = buffer != null && buffer.isDirect();
            published = new byte[count()];
            if (buffer != null) {
                buffer.duplicate().flip().get(published);
            }
        }

        @Override
        protected void sendPart() {
            byte[] part = new byte[count()];
            buffer.flip().get(part);
            parts.add(part);
            if (buffer.isDirect()) {
                giveBuffer(buffer);
            }
            buffer = null;
            partsSent++;
        }

        @Override
        protected int partSize() {
            return partSize;
        }

        @Override
        protected void checkFailure() {
        }

        @Override
        protected Runnable abortLocked() {
            return null;
        }

        byte[] sent() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            parts.forEach(all::writeBytes);
            return all.toByteArray();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void aSmallObjectStaysOnTheHeapForOneRequestAtCommit() throws IOException {
        try (PartBufferPool pool = new PartBufferPool(2)) {
            RecordingWriter w = new RecordingWriter(pool, 8 * 1024 * 1024);
            byte[] data = bytes(300 * 1024);
            try (OutputStream out = w.stream()) {
                out.write(data, 0, 1000);
                out.write(data[1000]);
                out.write(data, 1001, data.length - 1001);
            }
            w.commit();
            assertArrayEquals(data, w.published);
            assertTrue(w.parts.isEmpty());
            assertEquals(0, pool.allocations(), "a small object never takes a part buffer");
        }
    }

    @Test
    void aLargeObjectGoesOutInFullPartsAndTheLastOneAtClose() throws IOException {
        try (PartBufferPool pool = new PartBufferPool(2)) {
            int partSize = 256 * 1024;
            RecordingWriter w = new RecordingWriter(pool, partSize);
            byte[] data = bytes(5 * partSize / 2 + 7);
            try (OutputStream out = w.stream()) {
                for (int off = 0; off < data.length; off += 10_000) {
                    out.write(data, off, Math.min(10_000, data.length - off));
                }
            }
            assertEquals(3, w.parts.size(), "two full parts, then the rest when the stream closed");
            assertEquals(partSize, w.parts.get(0).length);
            assertEquals(partSize, w.parts.get(1).length);
            w.commit();
            assertArrayEquals(data, w.sent());
            assertEquals(0, pool.inUse(), pool.toString());
        }
    }

    @Test
    void anObjectCommittedBeforeItsStreamClosesIsPublishedFromItsPooledBuffer() throws IOException {
        try (PartBufferPool pool = new PartBufferPool(2)) {
            RecordingWriter w = new RecordingWriter(pool, 4 * 1024 * 1024);
            byte[] data = bytes(BufferedObjectWriter.SMALL_OBJECT + 1);
            w.stream().write(data);
            w.commit();
            assertTrue(w.pooledAtCommit, "past SMALL_OBJECT the bytes moved into a pooled buffer");
            assertArrayEquals(data, w.published);
            assertEquals(0, pool.inUse(), "the committing thread gave the buffer back");
        }
    }

    @Test
    void anAbortFromAnotherThreadLeavesTheBufferToTheWriterWhichGivesItBackOnItsNextWrite() throws Exception {
        try (PartBufferPool pool = new PartBufferPool(2)) {
            RecordingWriter w = new RecordingWriter(pool, 256 * 1024);
            OutputStream out = w.stream();
            out.write(bytes(300 * 1024)); // one part sent, the rest in a pooled buffer
            assertEquals(1, pool.inUse());
            Thread other = new Thread(w::abort);
            other.start();
            other.join();
            assertEquals(1, pool.inUse(), "another thread must not take the buffer from under the writer");
            IOException e = assertThrows(IOException.class, () -> out.write(1));
            assertTrue(e.getMessage().contains("was already aborted"), e.getMessage());
            assertEquals(0, pool.inUse());
            assertThrows(IllegalStateException.class, w::commit);
            w.abort(); // repeated: nothing happens
        }
    }

    @Test
    void aCommitAbortedMeanwhileIsCancelledAndPublishesNothing() throws IOException {
        try (PartBufferPool pool = new PartBufferPool(2)) {
            RecordingWriter w = new RecordingWriter(pool, 256 * 1024) {
                @Override
                protected void publish() throws IOException {
                    abort(); // an abort arriving while the object is being published
                    super.publish();
                }
            };
            w.stream().write(bytes(10));
            assertThrows(ExportCancelledException.class, w::commit);
            assertThrows(IllegalStateException.class, w::commit);
        }
    }
}
