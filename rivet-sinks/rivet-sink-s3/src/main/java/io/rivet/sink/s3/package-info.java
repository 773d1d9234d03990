/**
 * The Amazon S3 sink: {@link io.rivet.sink.s3.S3Sink}, also found for {@code s3://bucket/prefix/} URIs. Files stream
 * into multipart uploads in bounded memory and become visible only when their chunk commits. Add the
 * {@code io.rivet:rivet-sink-s3} artifact to use it.
 */
package io.rivet.sink.s3;
