/**
 * The engine seam for running a chunk plan on other machines (rivet-spark); for rivet-spark, not for applications.
 * The driver plans and commits through {@link io.rivet.core.internal.pipeline.ExportRun}; a
 * {@link io.rivet.core.internal.distributed.ChunkDispatcher} carries serializable
 * {@link io.rivet.core.internal.distributed.ChunkJob}s and chunk tasks to executors, which run them with
 * {@link io.rivet.core.internal.pipeline.RemoteChunks} and return {@link io.rivet.core.internal.distributed.ChunkResult}s.
 * See docs/design/012-spark.md.
 */
package io.rivet.core.internal.distributed;
