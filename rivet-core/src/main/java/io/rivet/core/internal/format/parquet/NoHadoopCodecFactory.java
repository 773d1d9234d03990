package io.rivet.core.internal.format.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page compressors that need no Hadoop classes: SNAPPY through snappy-java, ZSTD through zstd-jni, GZIP through
 * {@code java.util.zip}, and UNCOMPRESSED, at the level given to the constructor (0 for the codec's default). parquet-java's own {@code CodecFactory} loads
 * Hadoop's codec classes eagerly, which is why Rivet brings this one.
 *
 * <p>Write-only: {@link #getDecompressor} throws. Each compressor reuses its buffers, so it serves one writer thread;
 * the bytes it returns stay valid until its next {@code compress} call ({@link ColumnChunkPages} copies them before
 * that).
 * {@link #release()} frees the native buffers and zstd contexts. Not thread-safe.
 */
final class NoHadoopCodecFactory implements CompressionCodecFactory {

    /** zstd level 3: parquet-java's and Rivet (Rust)'s default. */
    static final int ZSTD_LEVEL = 3;
    /** gzip level 6: zlib's default. */
    static final int GZIP_LEVEL = 6;

    private final int level;
    private Compressor compressor;

    /** Compresses at {@code level}, or at each codec's default level when it is 0. */
    NoHadoopCodecFactory(int level) {
        this.level = level;
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        if (compressor != null && compressor.getCodecName() == codec) {
            return compressor;
        }
        release();
        compressor = switch (codec) {
            case UNCOMPRESSED -> new Compressor(codec);
            case SNAPPY -> new SnappyCompressor();
            case ZSTD -> new ZstdCompressor(level == 0 ? ZSTD_LEVEL : level);
            case GZIP -> new GzipCompressor(level == 0 ? GZIP_LEVEL : level);
            default -> throw new IllegalArgumentException("Parquet codec " + codec
                    + " is not supported; use one of zstd, snappy, gzip, none");
        };
        return compressor;
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("Rivet's Parquet codec factory only writes");
    }

    @Override
    public void release() {
        if (compressor != null) {
            compressor.release();
            compressor = null;
        }
    }

    /** A byte array output stream whose array can be read without a copy (gzip's output). */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }
    }

    /**
     * UNCOMPRESSED, and the base of the real codecs: collects the page into a reused native input buffer and hands
     * back a native buffer, which zstd-jni and snappy-java compress without copying and {@link ColumnChunkPages}
     * checksums in place.
     */
    private static class Compressor implements BytesInputCompressor {
        private final CompressionCodecName codec;
        final NativeBuffer input = new NativeBuffer();
        final NativeBuffer output = new NativeBuffer();
        private final Filler filler = new Filler();

        Compressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return BytesInput.from(collect(bytes));
        }

        /** Copies {@code bytes} into {@link #input}; returns a view of them. */
        final ByteBuffer collect(BytesInput bytes) throws IOException {
            filler.target = input.clear(Math.toIntExact(bytes.size()));
            bytes.writeAllTo(filler);
            return filler.target.flip();
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codec;
        }

        @Override
        public void release() {
            input.close();
            output.close();
        }
    }

    private static final class SnappyCompressor extends Compressor {
        SnappyCompressor() {
            super(CompressionCodecName.SNAPPY);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            ByteBuffer in = collect(bytes);
            ByteBuffer out = output.clear(Snappy.maxCompressedLength(in.remaining()));
            int written = Snappy.compress(in, out);
            return BytesInput.from(out.position(0).limit(written));
        }
    }

    private static final class ZstdCompressor extends Compressor {
        private final ZstdCompressCtx ctx;

        ZstdCompressor(int level) {
            super(CompressionCodecName.ZSTD);
            ctx = new ZstdCompressCtx().setLevel(level);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            ByteBuffer in = collect(bytes);
            int n = in.remaining();
            ByteBuffer out = output.clear(Math.toIntExact(Zstd.compressBound(n)));
            int written = ctx.compressDirectByteBuffer(out, 0, out.limit(), in, 0, n);
            return BytesInput.from(out.limit(written));
        }

        @Override
        public void release() {
            ctx.close();
            super.release();
        }
    }

    /** Gzip members as Hadoop's GzipCodec writes them, which is what the Parquet spec calls GZIP. */
    private static final class GzipCompressor extends Compressor {
        private final int level;
        private final Buffer deflated = new Buffer();

        GzipCompressor(int level) {
            super(CompressionCodecName.GZIP);
            this.level = level;
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            deflated.reset();
            try (GZIPOutputStream gzip = new LeveledGzip(deflated, level)) {
                bytes.writeAllTo(gzip);
            }
            ByteBuffer out = output.clear(deflated.size());
            out.put(deflated.array(), 0, deflated.size());
            return BytesInput.from(out.flip());
        }
    }

    /** Writes into a buffer ({@code BytesInput} writes into a {@code ByteBuffer} only inside its own package). */
    private static final class Filler extends OutputStream {
        ByteBuffer target;

        @Override
        public void write(int b) {
            target.put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target.put(b, off, len);
        }
    }

    /** GZIPOutputStream with an explicit level (the JDK's constructor takes none). */
    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(ByteArrayOutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }

    /**
     * A growable buffer of native memory, reused from page to page and freed by {@link #close()} (not left to the
     * garbage collector, as {@link ByteBuffer#allocateDirect} would be). About a page's size: outside the engine's
     * Arrow limit like the codecs' own native state, and freed with them.
     */
    static final class NativeBuffer implements AutoCloseable {
        private long address;
        private ByteBuffer view;

        /** A view of at least {@code n} bytes, position 0 and limit {@code n}; earlier contents are not kept. */
        ByteBuffer clear(int n) {
            if (view == null || view.capacity() < n) {
                int capacity = view == null ? Math.max(n, 64 * 1024) : PageBytes.grownCapacity(view.capacity(), n);
                close();
                address = MemoryUtil.allocateMemory(capacity);
                view = MemoryUtil.directBuffer(address, capacity);
            }
            return view.clear().limit(n);
        }

        @Override
        public void close() {
            if (address != 0) {
                MemoryUtil.freeMemory(address);
                address = 0;
                view = null;
            }
        }
    }
}
