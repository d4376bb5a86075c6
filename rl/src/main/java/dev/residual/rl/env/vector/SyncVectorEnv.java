package dev.residual.rl.env.vector;

import dev.residual.rl.env.Env;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Space;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code n} environments stepped one after the other in the calling thread (Gymnasium's {@code
 * SyncVectorEnv}), with an explicit {@link AutoresetMode} for episodes that end: read that enum for
 * the two modes side by side.
 *
 * <p>{@link #reset(Long, Map) reset(seed)} seeds sub-environment {@code i} with {@code seed + i}
 * (all unseeded when {@code seed} is null, each continuing its own stream). Results are lists (one
 * element per sub-environment) rather than stacked arrays, since observations may be of any type.
 *
 * @param <O> observation type of every sub-environment
 * @param <A> action type of every sub-environment
 */
public class SyncVectorEnv<O, A> implements AutoCloseable {
  /** {@link AutoresetMode#SAME_STEP}'s info key of the ended episode's final observation. */
  public static final String FINAL_OBS = "final_obs";

  /** {@link AutoresetMode#SAME_STEP}'s info key of the ended episode's final info map. */
  public static final String FINAL_INFO = "final_info";

  private final List<Env<O, A>> envs;
  private final AutoresetMode mode;
  private final boolean[] pendingReset;
  private boolean everReset;

  /**
   * Builds one sub-environment from each factory.
   *
   * @param factories one per sub-environment, at least one
   * @param mode what to do when a sub-environment's episode ends
   * @throws IllegalArgumentException if {@code factories} is empty or a factory returns null
   * @throws NullPointerException if {@code factories} or {@code mode} is null
   */
  public SyncVectorEnv(
      List<? extends Supplier<? extends Env<O, A>>> factories, AutoresetMode mode) {
    Objects.requireNonNull(factories, "SyncVectorEnv: factories must not be null");
    this.mode = Objects.requireNonNull(mode, "SyncVectorEnv: mode must not be null");
    if (factories.isEmpty()) {
      throw new IllegalArgumentException("SyncVectorEnv: needs at least one environment factory");
    }
    List<Env<O, A>> list = new ArrayList<>(factories.size());
    for (int i = 0; i < factories.size(); i++) {
      Env<O, A> e = factories.get(i).get();
      if (e == null) {
        throw new IllegalArgumentException("SyncVectorEnv: factory " + i + " returned null");
      }
      list.add(e);
    }
    this.envs = List.copyOf(list);
    this.pendingReset = new boolean[envs.size()];
  }

  /**
   * {@code n} sub-environments from the same factory.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static <O, A> SyncVectorEnv<O, A> of(
      int n, Supplier<? extends Env<O, A>> factory, AutoresetMode mode) {
    if (n < 1) {
      throw new IllegalArgumentException("SyncVectorEnv.of: n must be >= 1, got " + n);
    }
    List<Supplier<? extends Env<O, A>>> fs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      fs.add(factory);
    }
    return new SyncVectorEnv<>(fs, mode);
  }

  /** The number of sub-environments. */
  public int numEnvs() {
    return envs.size();
  }

  /** The autoreset mode. */
  public AutoresetMode mode() {
    return mode;
  }

  /** Sub-environment {@code i}. */
  public Env<O, A> env(int i) {
    return envs.get(i);
  }

  /** The observation space of one sub-environment (that of the first). */
  public Space<O> singleObservationSpace() {
    return envs.get(0).observationSpace();
  }

  /** The action space of one sub-environment (that of the first). */
  public Space<A> singleActionSpace() {
    return envs.get(0).actionSpace();
  }

  /** {@code reset(seed, Map.of())}. */
  public VectorResetResult<O> reset(Long seed) {
    return reset(seed, Map.of());
  }

  /**
   * Resets every sub-environment: sub-environment {@code i} with seed {@code seed + i}, or unseeded
   * if {@code seed} is null; every one gets the same {@code options}. Pending autoresets are
   * cleared.
   */
  public VectorResetResult<O> reset(Long seed, Map<String, Object> options) {
    List<O> obs = new ArrayList<>(envs.size());
    List<Map<String, Object>> infos = new ArrayList<>(envs.size());
    for (int i = 0; i < envs.size(); i++) {
      ResetResult<O> r = envs.get(i).reset(seed == null ? null : seed + i, options);
      obs.add(r.observation());
      infos.add(r.info());
    }
    Arrays.fill(pendingReset, false);
    everReset = true;
    return new VectorResetResult<>(obs, infos);
  }

  /**
   * Steps every sub-environment with its action, resetting ended episodes as {@link #mode()} says.
   *
   * @param actions {@code [numEnvs]} actions, one per sub-environment in order
   * @throws IllegalArgumentException if {@code actions} does not have {@code numEnvs} elements, or
   *     a sub-environment rejects its action
   * @throws IllegalStateException before the first {@link #reset}
   */
  public VectorStepResult<O> step(List<A> actions) {
    if (!everReset) {
      throw new IllegalStateException("SyncVectorEnv: step() called before reset()");
    }
    if (actions == null || actions.size() != envs.size()) {
      throw new IllegalArgumentException(
          "SyncVectorEnv.step: expected "
              + envs.size()
              + " actions, got "
              + (actions == null ? "null" : actions.size()));
    }
    int n = envs.size();
    List<O> obs = new ArrayList<>(n);
    double[] rewards = new double[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    List<Map<String, Object>> infos = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Env<O, A> env = envs.get(i);
      if (pendingReset[i]) {
        ResetResult<O> r = env.reset(null, Map.of());
        obs.add(r.observation());
        infos.add(r.info());
        pendingReset[i] = false;
        continue;
      }
      StepResult<O> s = env.step(actions.get(i));
      rewards[i] = s.reward();
      terminated[i] = s.terminated();
      truncated[i] = s.truncated();
      if (!s.done()) {
        obs.add(s.observation());
        infos.add(s.info());
      } else if (mode == AutoresetMode.NEXT_STEP) {
        obs.add(s.observation());
        infos.add(s.info());
        pendingReset[i] = true;
      } else {
        ResetResult<O> r = env.reset(null, Map.of());
        Map<String, Object> info = new HashMap<>(r.info());
        info.put(FINAL_OBS, s.observation());
        info.put(FINAL_INFO, s.info());
        obs.add(r.observation());
        infos.add(info);
      }
    }
    return new VectorStepResult<>(obs, rewards, terminated, truncated, infos);
  }

  /** Closes every sub-environment. */
  @Override
  public void close() {
    for (Env<O, A> e : envs) {
      e.close();
    }
  }
}
