package dev.residual.rl.env;

import dev.residual.rl.env.bandit.KArmedBandit;
import dev.residual.rl.env.classic.CartPole;
import dev.residual.rl.env.probes.Probe1;
import dev.residual.rl.env.probes.Probe2;
import dev.residual.rl.env.probes.Probe3;
import dev.residual.rl.env.probes.Probe4;
import dev.residual.rl.env.probes.Probe5;
import dev.residual.rl.env.toytext.CliffWalking;
import dev.residual.rl.env.toytext.FrozenLake;
import dev.residual.rl.env.toytext.Gridworld;
import dev.residual.rl.env.toytext.ThreeStateMdp;
import dev.residual.rl.env.wrappers.TimeLimit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The environment registry (Gymnasium's {@code gymnasium.register} / {@code gymnasium.make}):
 * environments by id, each with its time limit and reward threshold.
 *
 * <p>Registered here: {@code "CartPole-v1"} (500 steps, threshold 475). Other modules and
 * applications add theirs with {@link #register}. Thread-safe.
 */
public final class Envs {
  private static final Map<String, EnvSpec> SPECS = new TreeMap<>();

  static {
    register("CartPole-v1", CartPole::new, 500, 475.0);
    // Gymnasium's toy-text registrations (limits and thresholds as in its registry).
    register("FrozenLake-v1", () -> new FrozenLake("4x4", true), 100, 0.70);
    register("FrozenLake8x8-v1", () -> new FrozenLake("8x8", true), 200, 0.85);
    register("CliffWalking-v0", CliffWalking::new, null, null);
    // Residual's own: the probes, the gridworld of Russell & Norvig, a 3-state MDP, the testbed.
    register("Probe1-v0", Probe1::new, null, null);
    register("Probe2-v0", Probe2::new, null, null);
    register("Probe3-v0", Probe3::new, null, null);
    register("Probe4-v0", Probe4::new, null, null);
    register("Probe5-v0", Probe5::new, null, null);
    register("Gridworld4x3-v0", Gridworld::new, 100, null);
    register("ThreeStateMdp-v0", ThreeStateMdp::new, 100, null);
    register("KArmedBandit-v0", KArmedBandit::new, null, null);
  }

  private Envs() {}

  /**
   * Registers an environment.
   *
   * @param id its name, non-blank, e.g. {@code "FrozenLake-v1"}
   * @param factory builds a fresh, unwrapped environment on each call
   * @param maxEpisodeSteps the {@link TimeLimit} that {@link #make(String)} applies, >= 1, or null
   *     for none
   * @param rewardThreshold the mean return that counts as solved, or null
   * @throws IllegalArgumentException if {@code id} is blank or already registered, or {@code
   *     maxEpisodeSteps < 1}
   * @throws NullPointerException if {@code id} or {@code factory} is null
   */
  public static synchronized void register(
      String id,
      Supplier<? extends Env<?, ?>> factory,
      Integer maxEpisodeSteps,
      Double rewardThreshold) {
    Objects.requireNonNull(id, "Envs.register: id must not be null");
    Objects.requireNonNull(factory, "Envs.register: factory must not be null");
    if (id.isBlank()) {
      throw new IllegalArgumentException("Envs.register: id must not be blank");
    }
    if (SPECS.containsKey(id)) {
      throw new IllegalArgumentException("Envs.register: \"" + id + "\" is already registered");
    }
    if (maxEpisodeSteps != null && maxEpisodeSteps < 1) {
      throw new IllegalArgumentException(
          "Envs.register: maxEpisodeSteps of \"" + id + "\" must be >= 1, got " + maxEpisodeSteps);
    }
    SPECS.put(id, new EnvSpec(id, factory, maxEpisodeSteps, rewardThreshold));
  }

  /**
   * A fresh environment {@code id}, wrapped in a {@link TimeLimit} when its spec has {@code
   * maxEpisodeSteps}. The type parameters are the caller's assertion (e.g. {@code Env<float[],
   * Integer> env = Envs.make("CartPole-v1")}); a wrong one fails at the first use.
   *
   * @throws IllegalArgumentException if {@code id} is not registered (the message lists close ids)
   */
  public static <O, A> Env<O, A> make(String id) {
    EnvSpec spec = spec(id);
    return wrap(spec, spec.maxEpisodeSteps());
  }

  /**
   * {@link #make(String)} with the spec's time limit replaced by {@code maxEpisodeSteps}.
   *
   * @throws IllegalArgumentException if {@code id} is not registered or {@code maxEpisodeSteps < 1}
   */
  public static <O, A> Env<O, A> make(String id, int maxEpisodeSteps) {
    EnvSpec spec = spec(id);
    if (maxEpisodeSteps < 1) {
      throw new IllegalArgumentException(
          "Envs.make: maxEpisodeSteps of \"" + id + "\" must be >= 1, got " + maxEpisodeSteps);
    }
    return wrap(spec, maxEpisodeSteps);
  }

  @SuppressWarnings("unchecked")
  private static <O, A> Env<O, A> wrap(EnvSpec spec, Integer maxEpisodeSteps) {
    Env<O, A> env = (Env<O, A>) spec.factory().get();
    if (env == null) {
      throw new IllegalStateException(
          "Envs.make: the factory of \"" + spec.id() + "\" returned null");
    }
    return maxEpisodeSteps == null ? env : new TimeLimit<>(env, maxEpisodeSteps);
  }

  /**
   * The spec of {@code id}.
   *
   * @throws IllegalArgumentException if {@code id} is not registered (the message lists close ids)
   */
  public static synchronized EnvSpec spec(String id) {
    EnvSpec s = SPECS.get(id);
    if (s == null) {
      throw new IllegalArgumentException(
          "Envs: no environment \"" + id + "\" is registered; " + suggestions(id));
    }
    return s;
  }

  /** The registered ids, sorted. */
  public static synchronized List<String> ids() {
    return List.copyOf(SPECS.keySet());
  }

  /** Whether {@code id} is registered. */
  public static synchronized boolean isRegistered(String id) {
    return SPECS.containsKey(id);
  }

  private static String suggestions(String id) {
    String key = id == null ? "" : id.toLowerCase(Locale.ROOT);
    List<String> close = new ArrayList<>();
    for (String known : SPECS.keySet()) {
      String k = known.toLowerCase(Locale.ROOT);
      int limit = Math.max(2, k.length() / 3);
      if (distance(key, k) <= limit || (!key.isEmpty() && (k.contains(key) || key.contains(k)))) {
        close.add(known);
      }
    }
    close.sort(Comparator.comparingInt(k -> distance(key, k.toLowerCase(Locale.ROOT))));
    if (!close.isEmpty()) {
      return "did you mean " + String.join(", ", close) + "?";
    }
    return "registered: " + String.join(", ", SPECS.keySet());
  }

  /** Levenshtein edit distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
