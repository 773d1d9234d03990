/**
 * {@code rivet check} and {@code rivet init}, database-neutral: {@link io.rivet.core.internal.check.Preflight} and
 * {@link io.rivet.core.internal.check.Discovery} gather facts through a dialect's
 * {@link io.rivet.core.spi.SourceInspector}; {@link io.rivet.core.internal.check.CheckRules} and
 * {@link io.rivet.core.internal.check.InitAdvisor} decide, from facts alone, what is a warning, the verdict, the
 * recommended profile and the suggested mode (docs/design/009-check-and-init.md).
 */
package io.rivet.core.internal.check;
