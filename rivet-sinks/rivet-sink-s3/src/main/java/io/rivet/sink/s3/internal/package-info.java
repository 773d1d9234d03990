/**
 * The S3 sink's implementation: the streaming multipart writer, part sizing, error translation and the
 * {@link io.rivet.spi.SinkProvider} for {@code s3:}. Not API: it may change in any release.
 */
package io.rivet.sink.s3.internal;
