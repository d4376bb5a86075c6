/**
 * The {@code residual interp} commands: mechanistic-interpretability studies run end to end with
 * the {@code interp} module ({@link dev.residual.examples.interp.InterpCommand}).
 */
package dev.residual.examples.interp;
