package dev.residual.rl.env.wrappers;

import dev.residual.rl.env.Env;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Space;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies a function to every observation, from reset and from step (Gymnasium's {@code
 * TransformObservation}); the observation type may change, so the new observation space is given
 * with the function. Everything else is delegated.
 *
 * @param <O> the inner environment's observation type
 * @param <P> the transformed observation type
 * @param <A> action type
 */
public class TransformObservation<O, P, A> implements Env<P, A> {
  private final Env<O, A> env;
  private final Function<? super O, ? extends P> f;
  private final Space<P> observationSpace;

  /**
   * @param env the environment whose observations to transform
   * @param f the new observation as a function of the old
   * @param observationSpace the space of {@code f}'s results
   * @throws NullPointerException if an argument is null
   */
  public TransformObservation(
      Env<O, A> env, Function<? super O, ? extends P> f, Space<P> observationSpace) {
    this.env = Objects.requireNonNull(env, "TransformObservation: env must not be null");
    this.f = Objects.requireNonNull(f, "TransformObservation: f must not be null");
    this.observationSpace =
        Objects.requireNonNull(
            observationSpace, "TransformObservation: observationSpace must not be null");
  }

  /** The environment directly inside this wrapper. */
  public Env<O, A> env() {
    return env;
  }

  /** The innermost environment, below every wrapper. */
  public Env<?, ?> unwrapped() {
    return Wrapper.unwrap(env);
  }

  @Override
  public ResetResult<P> reset(Long seed, Map<String, Object> options) {
    ResetResult<O> r = env.reset(seed, options);
    return new ResetResult<>(f.apply(r.observation()), r.info());
  }

  @Override
  public StepResult<P> step(A action) {
    StepResult<O> r = env.step(action);
    return new StepResult<>(
        f.apply(r.observation()), r.reward(), r.terminated(), r.truncated(), r.info());
  }

  @Override
  public Space<P> observationSpace() {
    return observationSpace;
  }

  @Override
  public Space<A> actionSpace() {
    return env.actionSpace();
  }

  @Override
  public Optional<BufferedImage> render() {
    return env.render();
  }

  @Override
  public void close() {
    env.close();
  }

  @Override
  public String toString() {
    return "TransformObservation<" + env + ">";
  }
}
