/**
 * Micrometer binding for embedders: {@link io.rivet.metrics.micrometer.MicrometerExportListener}. Requires the
 * optional dependency {@code io.micrometer:micrometer-core}.
 */
package io.rivet.metrics.micrometer;
