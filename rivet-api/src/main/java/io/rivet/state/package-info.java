/**
 * The state store SPI and its value types: cursors, chunk checkpoints, the file ledger and run history. Incubating
 * until 1.0.
 */
package io.rivet.state;
