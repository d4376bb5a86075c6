package dev.residual.rl.env.wrappers;

import dev.residual.rl.env.Env;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.util.Map;

/**
 * Truncates episodes after {@code maxEpisodeSteps} steps (Gymnasium's {@code TimeLimit}): the step
 * that brings the count to the limit returns {@code truncated = true}, unless it also {@code
 * terminated} — a true terminal state takes precedence, so a value learner does not bootstrap from
 * it. (Gymnasium sets both flags in that case; here exactly one of them is the reason the episode
 * ended, unless the inner environment itself reports both.) The count restarts at each reset.
 *
 * <p>Stepping after a truncation, before the next reset, is an {@link IllegalStateException}.
 *
 * @param <O> observation type
 * @param <A> action type
 */
public class TimeLimit<O, A> extends Wrapper<O, A> {
  private final int maxEpisodeSteps;
  private int elapsed;
  private boolean ended = true;
  private boolean everReset;

  /**
   * @param env the environment to limit
   * @param maxEpisodeSteps the most steps per episode, >= 1
   * @throws IllegalArgumentException if {@code maxEpisodeSteps < 1}
   */
  public TimeLimit(Env<O, A> env, int maxEpisodeSteps) {
    super(env);
    if (maxEpisodeSteps < 1) {
      throw new IllegalArgumentException(
          "TimeLimit: maxEpisodeSteps must be >= 1, got " + maxEpisodeSteps);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  /** The step limit. */
  public int maxEpisodeSteps() {
    return maxEpisodeSteps;
  }

  /** Steps taken in the current episode. */
  public int elapsedSteps() {
    return elapsed;
  }

  @Override
  public ResetResult<O> reset(Long seed, Map<String, Object> options) {
    ResetResult<O> r = env.reset(seed, options);
    elapsed = 0;
    ended = false;
    everReset = true;
    return r;
  }

  /**
   * @throws IllegalStateException before the first reset or after the episode ended
   */
  @Override
  public StepResult<O> step(A action) {
    if (ended) {
      throw new IllegalStateException(
          "TimeLimit: step() called "
              + (everReset ? "after the episode ended; call reset()" : "before reset()"));
    }
    StepResult<O> r = env.step(action);
    elapsed++;
    if (elapsed >= maxEpisodeSteps && !r.terminated() && !r.truncated()) {
      r = new StepResult<>(r.observation(), r.reward(), false, true, r.info());
    }
    ended = r.done();
    return r;
  }
}
