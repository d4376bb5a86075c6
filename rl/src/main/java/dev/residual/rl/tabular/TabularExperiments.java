package dev.residual.rl.tabular;

import dev.residual.plot.LineChart;
import dev.residual.rl.env.Env;
import dev.residual.rl.env.FiniteMdp;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.tensor.Generator;
import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Ready-made experiments of the tabular methods, for the {@code residual rl tabular} command and
 * the reports: the SARSA / Q-learning / Expected SARSA comparison of Sutton &amp; Barto example 6.6
 * (figure 6.4) on any discrete environment, and value iteration beside policy iteration on a known
 * MDP.
 */
public final class TabularExperiments {
  /** The methods compared, in this order. */
  public static final List<String> METHODS = List.of("SARSA", "Q-learning", "Expected SARSA");

  /** The episode-length cap used in training by {@link #cliffComparison}. */
  public static final int DEFAULT_MAX_STEPS = 100_000;

  /**
   * The episode-length cap of the greedy evaluation in {@link #cliffComparison}: a greedy policy of
   * a noisy Q can cycle forever, and such a run then scores {@code −1000} on CliffWalking.
   */
  public static final int DEFAULT_GREEDY_MAX_STEPS = 1000;

  private TabularExperiments() {}

  /**
   * The result of {@link #tdComparison}.
   *
   * @param averageReturns per method (in {@link #METHODS} order): the online (exploring) return of
   *     each episode averaged over the runs, {@code double[episodes]}
   * @param greedyReturns per method: the return of the greedy policy of each run's final Q, {@code
   *     double[runs]}
   * @param greedyFinished per method and run: whether that greedy episode ended by itself rather
   *     than at the step cap (a greedy policy can cycle), {@code boolean[runs]}
   * @param config the hyperparameters every method used
   * @param episodes the episodes per run
   * @param runs the number of independent runs
   */
  public record TdComparison(
      Map<String, double[]> averageReturns,
      Map<String, double[]> greedyReturns,
      Map<String, boolean[]> greedyFinished,
      TdConfig config,
      int episodes,
      int runs) {

    /** The mean over runs of {@code method}'s final greedy return. */
    public double meanGreedyReturn(String method) {
      return mean(get(greedyReturns, method));
    }

    /**
     * The median over runs of {@code method}'s final greedy return (robust to the runs whose greedy
     * policy cycles until the cap); the mean of the two middle values for an even count.
     */
    public double medianGreedyReturn(String method) {
      double[] x = get(greedyReturns, method).clone();
      java.util.Arrays.sort(x);
      int n = x.length;
      return n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
    }

    /**
     * The mean online return of {@code method} over the last {@code lastEpisodes} episodes (of the
     * run-averaged curve).
     *
     * @throws IllegalArgumentException for an unknown method or {@code lastEpisodes} outside {@code
     *     [1, episodes]}
     */
    public double meanOnlineReturn(String method, int lastEpisodes) {
      double[] r = get(averageReturns, method);
      if (lastEpisodes < 1 || lastEpisodes > r.length) {
        throw new IllegalArgumentException(
            "TdComparison.meanOnlineReturn: lastEpisodes must be in [1, "
                + r.length
                + "], got "
                + lastEpisodes);
      }
      double s = 0;
      for (int i = r.length - lastEpisodes; i < r.length; i++) {
        s += r[i];
      }
      return s / lastEpisodes;
    }

    /**
     * The figure 6.4 chart: per method the run-averaged online return per episode, EMA-smoothed
     * with weight {@code smoothing} (the raw curve drawn faintly behind), values below {@code
     * yFloor} drawn at {@code yFloor} (the book's axis stops at −100; the first episodes are far
     * below).
     *
     * @throws IllegalArgumentException unless {@code 0 <= smoothing < 1}
     */
    public LineChart chart(double smoothing, double yFloor) {
      LineChart c =
          new LineChart()
              .title("Online return per episode (" + runs + " runs)")
              .xLabel("episode")
              .yLabel("sum of rewards during episode")
              .smoothing(smoothing);
      for (Map.Entry<String, double[]> e : averageReturns.entrySet()) {
        double[] y = e.getValue().clone();
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) {
          x[i] = i + 1;
          y[i] = Math.max(y[i], yFloor);
        }
        c.series(e.getKey(), x, y);
      }
      return c;
    }

    /**
     * {@link #chart(double, double)} with smoothing 0.9 and floor −100, rendered.
     *
     * @throws IllegalStateException when no fonts are available for rendering
     */
    public BufferedImage chartImage(int width, int height) {
      return chart(0.9, -100).toImage(width, height);
    }

    private static double[] get(Map<String, double[]> m, String method) {
      double[] r = m.get(method);
      if (r == null) {
        throw new IllegalArgumentException(
            "TdComparison: unknown method '" + method + "', expected one of " + m.keySet());
      }
      return r;
    }
  }

  /**
   * Sutton &amp; Barto example 6.6 on the environments {@code envFactory} makes (CliffWalking in
   * the book): SARSA, Q-learning and Expected SARSA with ε = 0.1, α = 0.5, γ = 1, Q starting at 0,
   * {@code episodes} episodes per run, {@code runs} independent runs; see {@link #tdComparison}.
   */
  public static TdComparison cliffComparison(
      Supplier<? extends Env<Integer, Integer>> envFactory, int episodes, int runs, long seed) {
    return tdComparison(
        envFactory,
        TdConfig.of(0.5, 1.0, 0.1),
        episodes,
        runs,
        seed,
        DEFAULT_MAX_STEPS,
        DEFAULT_GREEDY_MAX_STEPS);
  }

  /**
   * Trains each method of {@link #METHODS} for {@code episodes} episodes in each of {@code runs}
   * runs, each on a fresh environment from {@code envFactory}, and records the online returns
   * (averaged over runs) and the final greedy policy's return per run.
   *
   * <p>Seeding: run {@code r} resets every method's environment with seed {@code seed + r} (the
   * same environment stream for all methods); the agents' seeds are drawn from a {@link Generator}
   * seeded with {@code seed}, run by run in method order, so the whole result is a function of
   * {@code seed}. The greedy evaluation resets with seed {@code seed + r} too.
   *
   * @param maxSteps the cap on one training episode's length
   * @param greedyMaxSteps the cap on the greedy evaluation episode's length
   * @throws IllegalArgumentException if {@code episodes}, {@code runs}, {@code maxSteps} or {@code
   *     greedyMaxSteps} is below 1, the factory is null or makes an environment without {@link
   *     Discrete} spaces
   */
  public static TdComparison tdComparison(
      Supplier<? extends Env<Integer, Integer>> envFactory,
      TdConfig config,
      int episodes,
      int runs,
      long seed,
      int maxSteps,
      int greedyMaxSteps) {
    if (envFactory == null || config == null) {
      throw new IllegalArgumentException(
          "TabularExperiments.tdComparison: envFactory and config must not be null");
    }
    if (episodes < 1 || runs < 1 || maxSteps < 1 || greedyMaxSteps < 1) {
      throw new IllegalArgumentException(
          "TabularExperiments.tdComparison: episodes, runs, maxSteps and greedyMaxSteps must be"
              + " >= 1, got "
              + episodes
              + ", "
              + runs
              + ", "
              + maxSteps
              + " and "
              + greedyMaxSteps);
    }
    Map<String, double[]> avg = new LinkedHashMap<>();
    Map<String, double[]> greedy = new LinkedHashMap<>();
    Map<String, boolean[]> finished = new LinkedHashMap<>();
    for (String m : METHODS) {
      avg.put(m, new double[episodes]);
      greedy.put(m, new double[runs]);
      finished.put(m, new boolean[runs]);
    }
    Generator seeds = new Generator(seed);
    for (int r = 0; r < runs; r++) {
      for (String m : METHODS) {
        long agentSeed = seeds.nextLong();
        try (Env<Integer, Integer> env = envFactory.get()) {
          int[] sizes = sizes(env);
          TdAgent agent = create(m, sizes[0], sizes[1], config, agentSeed);
          TdAgent.Training t = agent.train(env, episodes, seed + r, maxSteps);
          double[] a = avg.get(m);
          for (int e = 0; e < episodes; e++) {
            a[e] += t.returns()[e] / runs;
          }
          TdAgent.Episode g = agent.greedyReturn(env, seed + r, greedyMaxSteps);
          greedy.get(m)[r] = g.totalReward();
          finished.get(m)[r] = g.finished();
        }
      }
    }
    return new TdComparison(
        Collections.unmodifiableMap(avg),
        Collections.unmodifiableMap(greedy),
        Collections.unmodifiableMap(finished),
        config,
        episodes,
        runs);
  }

  /**
   * A new agent of the named method ({@code "SARSA"}, {@code "Q-learning"} or {@code "Expected
   * SARSA"}).
   *
   * @throws IllegalArgumentException for another name, or as the agent's constructor
   */
  public static TdAgent create(
      String method, int numStates, int numActions, TdConfig config, long seed) {
    return switch (method) {
      case "SARSA" -> new Sarsa(numStates, numActions, config, seed);
      case "Q-learning" -> new QLearning(numStates, numActions, config, seed);
      case "Expected SARSA" -> new ExpectedSarsa(numStates, numActions, config, seed);
      default ->
          throw new IllegalArgumentException(
              "TabularExperiments.create: unknown method '"
                  + method
                  + "', expected one of "
                  + METHODS);
    };
  }

  private static int[] sizes(Env<Integer, Integer> env) {
    if (env == null) {
      throw new IllegalArgumentException("TabularExperiments: the factory returned null");
    }
    if (!(env.observationSpace() instanceof Discrete o)
        || !(env.actionSpace() instanceof Discrete a)) {
      throw new IllegalArgumentException(
          "TabularExperiments: needs Discrete observation and action spaces, got "
              + env.observationSpace()
              + " and "
              + env.actionSpace());
    }
    return new int[] {o.n(), a.n()};
  }

  /**
   * Value iteration beside policy iteration on one MDP.
   *
   * @param valueIteration the value-iteration result
   * @param policyIteration the policy-iteration result (exact evaluation)
   * @param maxValueDifference {@code max_s |V_vi(s) − V_pi(s)|}
   * @param samePolicy whether the two policies are identical (they may legitimately differ where
   *     actions tie within value iteration's tolerance)
   */
  public record PlanningComparison(
      Planning.ValueIterationResult valueIteration,
      Planning.PolicyIterationResult policyIteration,
      double maxValueDifference,
      boolean samePolicy) {}

  /**
   * Runs {@link Planning#valueIteration(FiniteMdp, double, double)} (stopping at {@code theta}) and
   * {@link Planning#policyIteration(FiniteMdp, double)} (exact evaluation; from the all-0 policy,
   * or with {@code γ = 1} from a proper policy) on {@code mdp} and compares them.
   *
   * @throws IllegalArgumentException as the two methods (in particular with {@code γ = 1} when
   *     policy iteration meets a policy that never terminates)
   */
  public static PlanningComparison plan(FiniteMdp mdp, double gamma, double theta) {
    Planning.ValueIterationResult vi = Planning.valueIteration(mdp, gamma, theta);
    Planning.PolicyIterationResult pi = Planning.policyIteration(mdp, gamma);
    double d = 0;
    for (int s = 0; s < vi.values().length; s++) {
      d = Math.max(d, Math.abs(vi.values()[s] - pi.values()[s]));
    }
    return new PlanningComparison(vi, pi, d, java.util.Arrays.equals(vi.policy(), pi.policy()));
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }
}
