package dev.residual.rl.env.wrappers;

import dev.residual.rl.env.Env;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Space;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An environment that wraps another of the same observation and action types and, by default,
 * delegates every call to it (Gymnasium's {@code gymnasium.Wrapper}). Subclasses override what they
 * change. Wrappers that change the observation type ({@link TransformObservation}) implement {@link
 * Env} directly; {@link #unwrap(Env)} sees through both kinds.
 *
 * @param <O> observation type
 * @param <A> action type
 */
public abstract class Wrapper<O, A> implements Env<O, A> {
  /** The wrapped environment. */
  protected final Env<O, A> env;

  /**
   * @throws NullPointerException if {@code env} is null
   */
  protected Wrapper(Env<O, A> env) {
    this.env = Objects.requireNonNull(env, "Wrapper: env must not be null");
  }

  /** The environment directly inside this wrapper. */
  public Env<O, A> env() {
    return env;
  }

  /** The innermost environment, below every wrapper. */
  public Env<?, ?> unwrapped() {
    return unwrap(env);
  }

  /**
   * The innermost environment of {@code env}: itself if it is no wrapper, else the innermost
   * environment below {@link Wrapper}s and {@link TransformObservation}s.
   */
  public static Env<?, ?> unwrap(Env<?, ?> env) {
    Env<?, ?> e = env;
    while (true) {
      if (e instanceof Wrapper<?, ?> w) {
        e = w.env();
      } else if (e instanceof TransformObservation<?, ?, ?> t) {
        e = t.env();
      } else {
        return e;
      }
    }
  }

  @Override
  public ResetResult<O> reset(Long seed, Map<String, Object> options) {
    return env.reset(seed, options);
  }

  @Override
  public StepResult<O> step(A action) {
    return env.step(action);
  }

  @Override
  public Space<O> observationSpace() {
    return env.observationSpace();
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
    return getClass().getSimpleName() + "<" + env + ">";
  }
}
