package io.rivet.core.internal.format.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
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
 * the bytes it returns stay valid until its next {@code compress} call (parquet-java copies them before that).
 * {@link #release()} frees native zstd contexts. Not thread-safe.
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

    /** A byte array output stream whose array can be read without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }

        /** Ensures that the backing array holds at least {@code n} bytes and returns it. */
        byte[] capacity(int n) {
            if (buf.length < n) {
                buf = new byte[Math.max(n, buf.length * 2)];
            }
            return buf;
        }
    }

    /** UNCOMPRESSED, and the base of the real codecs: collects the page into a reused input buffer. */
    private static class Compressor implements BytesInputCompressor {
        private final CompressionCodecName codec;
        final Buffer input = new Buffer();
        final Buffer output = new Buffer();

        Compressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return bytes;
        }

        /** Copies {@code bytes} into {@link #input}; returns the length. */
        final int collect(BytesInput bytes) throws IOException {
            input.reset();
            bytes.writeAllTo(input);
            return input.size();
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codec;
        }

        @Override
        public void release() {
        }
    }

    private static final class SnappyCompressor extends Compressor {
        SnappyCompressor() {
            super(CompressionCodecName.SNAPPY);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            int n = collect(bytes);
            byte[] out = output.capacity(Snappy.maxCompressedLength(n));
            int written = Snappy.compress(input.array(), 0, n, out, 0);
            return BytesInput.from(out, 0, written);
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
            int n = collect(bytes);
            byte[] out = output.capacity(Math.toIntExact(Zstd.compressBound(n)));
            int written = ctx.compressByteArray(out, 0, out.length, input.array(), 0, n);
            return BytesInput.from(out, 0, written);
        }

        @Override
        public void release() {
            ctx.close();
        }
    }

    /** Gzip members as Hadoop's GzipCodec writes them, which is what the Parquet spec calls GZIP. */
    private static final class GzipCompressor extends Compressor {
        private final int level;

        GzipCompressor(int level) {
            super(CompressionCodecName.GZIP);
            this.level = level;
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            output.reset();
            try (GZIPOutputStream gzip = new LeveledGzip(output, level)) {
                bytes.writeAllTo(gzip);
            }
            return BytesInput.from(output.array(), 0, output.size());
        }
    }

    /** GZIPOutputStream with an explicit level (the JDK's constructor takes none). */
    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(ByteArrayOutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }
}
