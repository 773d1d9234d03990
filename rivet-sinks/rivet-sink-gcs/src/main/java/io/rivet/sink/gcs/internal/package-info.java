/**
 * The GCS sink's implementation: the streaming resumable-upload writer, error translation and the
 * {@link io.rivet.spi.SinkProvider} for {@code gs:}. Not API: it may change in any release.
 */
package io.rivet.sink.gcs.internal;
