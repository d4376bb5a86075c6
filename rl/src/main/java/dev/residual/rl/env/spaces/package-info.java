/**
 * Gymnasium's spaces: {@link dev.residual.rl.env.spaces.Discrete} integers and {@link
 * dev.residual.rl.env.spaces.Box} float vectors, each with its own seeded generator.
 */
package dev.residual.rl.env.spaces;
