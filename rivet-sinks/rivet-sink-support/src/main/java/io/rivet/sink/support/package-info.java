/**
 * Support code shared by Rivet's cloud sinks ({@code rivet-sink-s3}, {@code rivet-sink-gcs}). Not part of Rivet's
 * API: it may change in any release, and applications never need it directly.
 */
package io.rivet.sink.support;
