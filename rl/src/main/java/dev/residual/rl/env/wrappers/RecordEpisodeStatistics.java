package dev.residual.rl.env.wrappers;

import dev.residual.rl.env.Env;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Tracks each episode's return, length and wall time (Gymnasium's {@code RecordEpisodeStatistics}).
 * At the step that ends an episode (terminated or truncated) the info map gains {@link #INFO_KEY}
 * {@code "episode"} → {@link Episode}{@code (r, l, t)}, and the three values are appended to
 * rolling windows of the last {@code bufferLength} episodes, read with {@link #returns()}, {@link
 * #lengths()} and {@link #times()}.
 *
 * <p>Wrap it inside a {@link TimeLimit} (as {@code Envs.make} does) or outside: either way it sees
 * the truncation if the time limit is below it.
 *
 * @param <O> observation type
 * @param <A> action type
 */
public class RecordEpisodeStatistics<O, A> extends Wrapper<O, A> {
  /** The info key of the finished episode's statistics. */
  public static final String INFO_KEY = "episode";

  /**
   * The statistics of one finished episode (names as Gymnasium's info keys).
   *
   * @param r the return: the undiscounted sum of rewards
   * @param l the length: the number of steps
   * @param t the wall time from reset to the last step, seconds
   */
  public record Episode(double r, int l, double t) {}

  private final int bufferLength;
  private final ArrayDeque<Double> returns = new ArrayDeque<>();
  private final ArrayDeque<Integer> lengths = new ArrayDeque<>();
  private final ArrayDeque<Double> times = new ArrayDeque<>();
  private double episodeReturn;
  private int episodeLength;
  private long startNanos;
  private long episodeCount;

  /** Rolling windows of the last 100 episodes. */
  public RecordEpisodeStatistics(Env<O, A> env) {
    this(env, 100);
  }

  /**
   * @param env the environment to record
   * @param bufferLength the size of the rolling windows, >= 1
   * @throws IllegalArgumentException if {@code bufferLength < 1}
   */
  public RecordEpisodeStatistics(Env<O, A> env, int bufferLength) {
    super(env);
    if (bufferLength < 1) {
      throw new IllegalArgumentException(
          "RecordEpisodeStatistics: bufferLength must be >= 1, got " + bufferLength);
    }
    this.bufferLength = bufferLength;
  }

  @Override
  public ResetResult<O> reset(Long seed, Map<String, Object> options) {
    ResetResult<O> r = env.reset(seed, options);
    episodeReturn = 0;
    episodeLength = 0;
    startNanos = System.nanoTime();
    return r;
  }

  /**
   * @throws IllegalStateException if the inner info already has an {@code "episode"} key at the end
   *     of an episode (this wrapper applied twice)
   */
  @Override
  public StepResult<O> step(A action) {
    StepResult<O> r = env.step(action);
    episodeReturn += r.reward();
    episodeLength++;
    if (!r.done()) {
      return r;
    }
    if (r.info().containsKey(INFO_KEY)) {
      throw new IllegalStateException(
          "RecordEpisodeStatistics: info already has key \""
              + INFO_KEY
              + "\" (is the environment wrapped twice?)");
    }
    Episode e = new Episode(episodeReturn, episodeLength, (System.nanoTime() - startNanos) / 1e9);
    push(returns, e.r());
    push(lengths, e.l());
    push(times, e.t());
    episodeCount++;
    Map<String, Object> info = new HashMap<>(r.info());
    info.put(INFO_KEY, e);
    return new StepResult<>(r.observation(), r.reward(), r.terminated(), r.truncated(), info);
  }

  private <T> void push(ArrayDeque<T> q, T v) {
    if (q.size() == bufferLength) {
      q.removeFirst();
    }
    q.addLast(v);
  }

  /** The size of the rolling windows. */
  public int bufferLength() {
    return bufferLength;
  }

  /** The number of episodes finished since construction. */
  public long episodeCount() {
    return episodeCount;
  }

  /** The returns of the last (at most {@code bufferLength}) finished episodes, oldest first. */
  public double[] returns() {
    double[] out = new double[returns.size()];
    Iterator<Double> it = returns.iterator();
    for (int i = 0; i < out.length; i++) {
      out[i] = it.next();
    }
    return out;
  }

  /** The lengths (steps) of the last finished episodes, oldest first. */
  public int[] lengths() {
    int[] out = new int[lengths.size()];
    Iterator<Integer> it = lengths.iterator();
    for (int i = 0; i < out.length; i++) {
      out[i] = it.next();
    }
    return out;
  }

  /** The wall times (seconds) of the last finished episodes, oldest first. */
  public double[] times() {
    double[] out = new double[times.size()];
    Iterator<Double> it = times.iterator();
    for (int i = 0; i < out.length; i++) {
      out[i] = it.next();
    }
    return out;
  }
}
