/**
 * The {@code residual} command line ({@link dev.residual.examples.cli.ResidualCli}): wires the
 * demos of this module as subcommands. It holds no training code of its own; each demo lives in its
 * own package and runs on its own too.
 */
package dev.residual.examples.cli;
