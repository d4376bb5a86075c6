package dev.residual.rl.env;

import dev.residual.rl.env.spaces.Space;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Optional;

/**
 * An environment with Gymnasium 1.x semantics.
 *
 * <ul>
 *   <li>{@link #reset(Long, Map)} starts an episode and returns the first observation and an info
 *       map. A non-null seed reseeds the environment's generator; later resets without a seed
 *       continue that stream, so the same seed gives the same sequence of episodes.
 *   <li>{@link #step} returns {@code (obs, reward, terminated, truncated, info)}. {@code
 *       terminated} means a true terminal state of the MDP (do not bootstrap from it); {@code
 *       truncated} means the episode was cut short, e.g. by a time limit (bootstrap from {@code
 *       obs}).
 *   <li>Calling {@code step} before the first {@code reset}, or after an episode ended, is an
 *       {@link IllegalStateException}; an action outside {@link #actionSpace()} is an {@link
 *       IllegalArgumentException}.
 * </ul>
 *
 * @param <O> observation type ({@code float[]} for a {@code Box}, {@code Integer} for {@code
 *     Discrete})
 * @param <A> action type
 */
public interface Env<O, A> extends AutoCloseable {
  /** Starts an episode; {@code seed} may be null, {@code options} may be empty. */
  ResetResult<O> reset(Long seed, Map<String, Object> options);

  /** {@code reset(seed, Map.of())}. */
  default ResetResult<O> reset(long seed) {
    return reset(seed, Map.of());
  }

  /** {@code reset(null, Map.of())}: continues the generator's stream. */
  default ResetResult<O> reset() {
    return reset(null, Map.of());
  }

  /** Advances the episode by one action. */
  StepResult<O> step(A action);

  /** The valid observations. */
  Space<O> observationSpace();

  /** The valid actions. */
  Space<A> actionSpace();

  /** An RGB picture of the current state, where the environment has one. */
  default Optional<BufferedImage> render() {
    return Optional.empty();
  }

  /** Releases resources (nothing by default). */
  @Override
  default void close() {}
}
