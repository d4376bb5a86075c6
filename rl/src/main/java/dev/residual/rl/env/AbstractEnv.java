package dev.residual.rl.env;

import dev.residual.tensor.Generator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The bookkeeping every environment shares: its generator ({@link #rng()}, Gymnasium's {@code
 * np_random}), the order of calls (reset before step, no step after the end) and action checks.
 * Subclasses implement {@link #doReset} and {@link #doStep}.
 */
public abstract class AbstractEnv<O, A> implements Env<O, A> {
  private Generator rng;
  private boolean running;
  private boolean everReset;

  /** The environment's generator; seeded by {@code reset(seed)}, else from a random seed. */
  protected final Generator rng() {
    if (rng == null) {
      rng = new Generator(ThreadLocalRandom.current().nextLong());
    }
    return rng;
  }

  @Override
  public final ResetResult<O> reset(Long seed, Map<String, Object> options) {
    if (seed != null) {
      rng = new Generator(seed);
    }
    ResetResult<O> r = doReset(options == null ? Map.of() : options);
    running = true;
    everReset = true;
    return r;
  }

  @Override
  public final StepResult<O> step(A action) {
    if (!running) {
      throw new IllegalStateException(
          getClass().getSimpleName()
              + ": step() called "
              + (!everReset ? "before reset()" : "after the episode ended; call reset()"));
    }
    if (!actionSpace().contains(action)) {
      throw new IllegalArgumentException(
          getClass().getSimpleName()
              + ": action "
              + (action instanceof float[] f ? java.util.Arrays.toString(f) : action)
              + " is not in "
              + actionSpace());
    }
    StepResult<O> r = doStep(action);
    if (r.done()) {
      running = false;
    }
    return r;
  }

  /** Whether an episode is in progress (reset called, not yet terminated or truncated). */
  public final boolean isRunning() {
    return running;
  }

  /** Ends the episode early (used by wrappers that truncate it). */
  protected final void endEpisode() {
    running = false;
  }

  /** Starts an episode; {@link #rng()} is already seeded. */
  protected abstract ResetResult<O> doReset(Map<String, Object> options);

  /** One step with a valid action, during an episode. */
  protected abstract StepResult<O> doStep(A action);
}
