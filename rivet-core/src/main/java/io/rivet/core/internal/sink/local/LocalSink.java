package io.rivet.core.internal.sink.local;

import io.rivet.Sink;
import io.rivet.exception.SinkException;
import io.rivet.spi.ObjectWriter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A {@link Sink} on the local file system, rooted at a directory (created when the first object is written).
 *
 * <p>Commit protocol: an object is written to a hidden temp sibling {@code .<name>.<random>.rivet-tmp} created with
 * {@code CREATE_NEW}; {@link ObjectWriter#commit()} fsyncs it, renames it atomically over the final name, then fsyncs
 * the directory. A crash leaves at most a temp file (removed by {@link #cleanStaging(String)}), never a partial final
 * file.
 *
 * <p>Keys are relative and {@code /}-separated; a segment may not be empty, {@code .} or {@code ..}, and a key may not
 * hold NUL or {@code \}, nor name a temp file. Thread-safe and stateless apart from its root: any number of writers
 * may be open at once. It holds no resource, so there is nothing to close.
 */
public final class LocalSink implements Sink {

    static final String TEMP_SUFFIX = ".rivet-tmp";
    static final int WRITE_BUFFER_BYTES = 8 * 1024;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    // Leaves room for ".", ".<16 hex>" and the suffix within the usual 255-byte file-name limit (4 bytes a char).
    private static final int TEMP_NAME_CHARS = 50;

    private final Path root;
    private final String location;

    /** Creates a sink rooted at {@code root} (made absolute and normalised). Does no I/O. */
    public LocalSink(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        String uri = this.root.toUri().toString();
        this.location = uri.endsWith("/") ? uri : uri + "/";
    }

    /** The root directory. */
    public Path root() {
        return root;
    }

    /** The root's {@code file:} URI, ending with {@code /}. */
    @Override
    public String location() {
        return location;
    }

    /**
     * Opens a temp file next to {@code key}'s final place, creating parent directories.
     *
     * @throws SinkException when the key is invalid or the temp file cannot be created
     */
    @Override
    public ObjectWriter open(String key) {
        Path target = resolveKey(key);
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw failure(key, "could not create the directory " + parent, e);
        }
        String name = target.getFileName().toString();
        String stem = name.length() > TEMP_NAME_CHARS ? name.substring(0, TEMP_NAME_CHARS) : name;
        for (int attempt = 0; ; attempt++) {
            Path temp = parent.resolve("." + stem + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + TEMP_SUFFIX);
            try {
                FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new LocalObjectWriter(this, key, target, temp, channel);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 3) {
                    throw failure(key, "could not create a unique temp file in " + parent, e);
                }
            } catch (IOException e) {
                throw failure(key, "could not create the temp file " + temp, e);
            }
        }
    }

    /**
     * Lists published keys starting with {@code prefix}, walking only the prefix's directory part. Temp files are
     * never listed. Objects that vanish during the walk are skipped.
     *
     * @throws SinkException when the prefix is invalid or the directory cannot be read
     */
    @Override
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        walk(prefix, "list", (path) -> {
            if (!isTemp(path.getFileName().toString())) {
                keys.add(toKey(path));
            }
        });
        return keys;
    }

    /** Deletes the file at {@code key}; false when there is none (a directory is not an object and is kept). */
    @Override
    public boolean delete(String key) {
        Path target = resolveKey(key);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            return Files.deleteIfExists(target);
        } catch (IOException e) {
            throw failure(key, "could not delete " + target, e);
        }
    }

    /**
     * Opens the published object for reading, buffered. The caller closes the stream.
     *
     * @throws SinkException when it does not exist or cannot be opened
     */
    @Override
    public InputStream read(String key) {
        Path target = resolveKey(key);
        if (Files.isDirectory(target)) {
            throw new SinkException(null, location, key, "No object \"" + key + "\" in " + location + ": " + target
                    + " is a directory.", null, false);
        }
        try {
            return new BufferedInputStream(Files.newInputStream(target), READ_BUFFER_BYTES);
        } catch (NoSuchFileException e) {
            throw new SinkException(null, location, key, "No object \"" + key + "\" in " + location
                    + " (" + target + " does not exist).", e, false);
        } catch (IOException e) {
            throw failure(key, "could not open " + target + " for reading", e);
        }
    }

    /**
     * Deletes the temp files left by killed writers in the prefix's directory and the subdirectories that match the
     * prefix. Call it only when no writer is active there: it would delete a live writer's temp file too, and that
     * writer's commit would then fail.
     */
    @Override
    public int cleanStaging(String prefix) {
        int[] count = {0};
        walkAll(prefix, "clean staging files under", (path) -> {
            if (isTemp(path.getFileName().toString())) {
                try {
                    if (Files.deleteIfExists(path)) {
                        count[0]++;
                    }
                } catch (IOException e) {
                    throw failure(toKey(path), "could not delete the leftover temp file " + path, e);
                }
            }
        });
        return count[0];
    }

    @Override
    public String toString() {
        return "LocalSink[" + location + "]";
    }

    static boolean isTemp(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(TEMP_SUFFIX);
    }

    SinkException failure(String key, String what, IOException e) {
        String cause = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        // A missing or forbidden path, or a full disk, will not heal by retrying in a few seconds: the operator has
        // to act. Other I/O errors (a network file system's hiccup) may.
        boolean permanent = e instanceof java.nio.file.FileSystemException
                || String.valueOf(e.getMessage()).contains("No space left");
        return new SinkException(null, location, key, "Local sink " + location + ", object \"" + key + "\": " + what
                + " (" + cause + "). Check that the disk is not full and that the process may write to " + root
                + ".", e, !permanent);
    }

    /** Visits the files (temp files included) whose keys start with {@code prefix}. */
    private void walk(String prefix, String what, Consumer<Path> visitor) {
        walkAll(prefix, what, path -> {
            if (toKey(path).startsWith(prefix)) {
                visitor.accept(path);
            }
        });
    }

    /**
     * Visits every file in the prefix's directory and in the subdirectories whose keys match the prefix. Files directly
     * in the prefix's directory are visited whatever their name; {@link #walk} filters them.
     */
    private void walkAll(String prefix, String what, Consumer<Path> visitor) {
        Objects.requireNonNull(prefix, "prefix");
        validate(prefix, true);
        int slash = prefix.lastIndexOf('/');
        String dirPart = slash < 0 ? "" : prefix.substring(0, slash);
        Path start = dirPart.isEmpty() ? root : root.resolve(dirPart);
        if (!Files.isDirectory(start)) {
            return;
        }
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(start)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String key = toKey(dir) + "/";
                    // Only directories that could hold matching keys.
                    return key.startsWith(prefix) || prefix.startsWith(key)
                            ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                        visitor.accept(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    // A temp file renamed or an object deleted by a concurrent writer while we walk.
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw failure(prefix, "could not " + what + " " + start, e);
        }
    }

    private String toKey(Path path) {
        Path rel = root.relativize(path);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private Path resolveKey(String key) {
        Objects.requireNonNull(key, "key");
        validate(key, false);
        Path target = root.resolve(key).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw invalidKey(key, "it does not name a file below the sink's root");
        }
        return target;
    }

    /**
     * Checks a key (or, with {@code prefix}, a key prefix, which may be empty or end with {@code /} or in the middle of
     * a name).
     */
    private void validate(String key, boolean prefix) {
        if (key.isEmpty()) {
            if (prefix) {
                return;
            }
            throw invalidKey(key, "it is empty");
        }
        if (key.indexOf('\0') >= 0) {
            throw invalidKey(key, "it contains a NUL character");
        }
        if (key.indexOf('\\') >= 0) {
            throw invalidKey(key, "it contains '\\'; separate directories with '/'");
        }
        if (key.startsWith("/")) {
            throw invalidKey(key, "it starts with '/'; keys are relative to the sink's root");
        }
        String[] segments = key.split("/", -1);
        int last = segments.length - 1;
        for (int i = 0; i <= last; i++) {
            String s = segments[i];
            boolean partial = prefix && i == last;
            if (s.isEmpty() && !partial) {
                throw invalidKey(key, "it has an empty segment ('//' or a trailing '/')");
            }
            if ((s.equals(".") || s.equals("..")) && !partial) {
                throw invalidKey(key, "it has a '" + s + "' segment; keys must be canonical and stay below the root");
            }
            if (s.equals("..")) {
                throw invalidKey(key, "it has a '..' segment; keys must stay below the sink's root");
            }
        }
        if (!prefix && isTemp(segments[last])) {
            throw invalidKey(key, "its name has the form of a Rivet temp file (.*" + TEMP_SUFFIX + ")");
        }
    }

    private SinkException invalidKey(String key, String why) {
        String shown = key.replace("\0", "\\0");
        return new SinkException(null, location, key, "Invalid object key \"" + shown + "\" for " + location + ": "
                + why + ". Use a relative key such as \"orders/run-1/part-00000-000.parquet\".", null, false);
    }
}
