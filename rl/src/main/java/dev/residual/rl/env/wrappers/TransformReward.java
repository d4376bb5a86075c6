package dev.residual.rl.env.wrappers;

import dev.residual.rl.env.Env;
import dev.residual.rl.env.StepResult;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * Applies a function to every reward (Gymnasium's {@code TransformReward}), e.g. clipping or
 * scaling. Observations, flags and info pass through unchanged.
 *
 * @param <O> observation type
 * @param <A> action type
 */
public class TransformReward<O, A> extends Wrapper<O, A> {
  private final DoubleUnaryOperator f;

  /**
   * @param env the environment whose rewards to transform
   * @param f the new reward as a function of the old
   * @throws NullPointerException if an argument is null
   */
  public TransformReward(Env<O, A> env, DoubleUnaryOperator f) {
    super(env);
    this.f = Objects.requireNonNull(f, "TransformReward: f must not be null");
  }

  @Override
  public StepResult<O> step(A action) {
    StepResult<O> r = env.step(action);
    return new StepResult<>(
        r.observation(), f.applyAsDouble(r.reward()), r.terminated(), r.truncated(), r.info());
  }
}
