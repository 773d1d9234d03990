/**
 * Rivet's unchecked exception tree. {@link io.rivet.exception.RivetException} is the root; subtypes say whether the
 * failure is configuration ({@link io.rivet.exception.RivetConfigException}), the source
 * ({@link io.rivet.exception.SourceException}), the sink ({@link io.rivet.exception.SinkException}), data integrity
 * ({@link io.rivet.exception.CheckFailedException}), schema drift, a resource limit, or cancellation.
 */
package io.rivet.exception;
