/**
 * Preflight and discovery: {@link io.rivet.Rivet#check(io.rivet.Export)} returns a {@link io.rivet.check.CheckReport}
 * (what Rivet found about an export's source before running it: findings with a severity, a stable code and a fix, the
 * row estimate and plan, a {@link io.rivet.check.Verdict} and a recommended profile), and
 * {@link io.rivet.Rivet#discoverTable(io.rivet.Source, String)} describes a live table and suggests how to export it
 * (what {@code rivet init} writes).
 *
 * <p>All types here are immutable and thread-safe. Incubating: codes and fields may grow in a minor release; existing
 * finding codes keep their meaning.
 */
@Incubating(since = "0.1")
package io.rivet.check;

import io.rivet.Incubating;
