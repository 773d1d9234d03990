package io.rivet.core.internal.pipeline;

import io.rivet.spi.ObjectWriter;

/**
 * A finished data file, staged in the sink but not yet published: the chunk publishes all its files together once
 * the whole chunk has been read.
 *
 * @param object the staged object
 * @param key its key
 * @param rows rows in the file
 * @param bytes the file's size
 * @param sha256 the file's SHA-256
 */
record StagedFile(ObjectWriter object, String key, long rows, long bytes, String sha256) {
}
