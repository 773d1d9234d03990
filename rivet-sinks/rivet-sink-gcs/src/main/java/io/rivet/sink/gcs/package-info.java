/**
 * The Google Cloud Storage sink: {@link io.rivet.sink.gcs.GcsSink}, also found for {@code gs://bucket/prefix/} URIs.
 * Files stream into resumable uploads in bounded memory and are finalised (made visible) only when their chunk
 * commits. Add the {@code io.rivet:rivet-sink-gcs} artifact to use it.
 */
package io.rivet.sink.gcs;
