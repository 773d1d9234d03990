/**
 * Rivet's stable API: build an {@link io.rivet.Export} and run it with a {@link io.rivet.Rivet} engine.
 *
 * <p>Built values ({@code Export}, {@code Profile}, {@code Format}, the modes, {@code Source}, {@code Quality},
 * {@code ExportResult}) are immutable and thread-safe; builders are not thread-safe. Resources passed in (a
 * {@code DataSource}, a {@code Sink}, a {@code StateStore}) stay the caller's; what Rivet builds, Rivet closes.
 */
package io.rivet;
