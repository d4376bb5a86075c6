package dev.residual.rl.tabular;

import dev.residual.rl.env.Env;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.rl.env.spaces.Space;
import dev.residual.tensor.Generator;

/**
 * A one-step temporal-difference control agent with a table {@code Q}, {@code
 * double[numStates][numActions]}, and ε-greedy exploration, for environments with {@link Discrete}
 * observations and actions ({@code Env<Integer, Integer>}). The three methods of Sutton &amp; Barto
 * chapter 6 differ only in the bootstrap of the target {@code r + γ · B(s')}: {@link Sarsa} uses
 * {@code Q(s', a')} of the action it will take next, {@link QLearning} {@code max_a Q(s', a)},
 * {@link ExpectedSarsa} the expectation of {@code Q(s', ·)} under the ε-greedy policy.
 *
 * <p>Conventions:
 *
 * <ul>
 *   <li>States and actions are indices {@code 0 … n − 1}; a {@code Discrete(n, start)} space is
 *       shifted by its {@code start}.
 *   <li>ε-greedy: with probability ε a uniformly random action (possibly the greedy one), otherwise
 *       a greedy action with ties (exactly equal values) broken uniformly at random.
 *   <li>{@code terminated} ends the target at {@code r} (no bootstrap); {@code truncated}, and the
 *       {@code maxSteps} cap of {@link #runEpisode}, bootstrap from the last observation.
 *   <li>An episode's return is the undiscounted sum of its rewards, as in the book's figures.
 *   <li>All randomness of the agent comes from its own {@link Generator}, seeded at construction:
 *       the same seeds for agent and environment give the same run.
 * </ul>
 *
 * <p>Not thread-safe.
 */
public abstract class TdAgent {
  private final double[][] q;
  private final TdConfig config;
  private final Generator rng;
  private final int[] ties;
  private double epsilon;

  /**
   * A fresh agent.
   *
   * @throws IllegalArgumentException if {@code numStates < 1}, {@code numActions < 1} or {@code
   *     config} is null
   */
  protected TdAgent(int numStates, int numActions, TdConfig config, long seed) {
    if (numStates < 1 || numActions < 1) {
      throw new IllegalArgumentException(
          name()
              + ": numStates and numActions must be >= 1, got "
              + numStates
              + " and "
              + numActions);
    }
    if (config == null) {
      throw new IllegalArgumentException(name() + ": config must not be null");
    }
    this.q = new double[numStates][numActions];
    for (double[] row : q) {
      java.util.Arrays.fill(row, config.initialQ());
    }
    this.config = config;
    this.rng = new Generator(seed);
    this.ties = new int[numActions];
    this.epsilon = config.epsilon();
  }

  /** The method's name ("SARSA", "Q-learning", "Expected SARSA"). */
  public abstract String name();

  /**
   * The bootstrap value {@code B(s')} of the target {@code r + γ B(s')}.
   *
   * @param nextState {@code s'}
   * @param nextAction the action the agent will take in {@code s'} (drawn before the update only
   *     when {@link #needsNextAction()}; otherwise -1)
   */
  protected abstract double bootstrap(int nextState, int nextAction);

  /**
   * Whether the target needs the next action before the update (SARSA). When false the update is
   * made first and the next action chosen from the updated Q, as in the book's Q-learning box.
   */
  protected abstract boolean needsNextAction();

  /** The live action-value table, {@code double[numStates][numActions]} (not a copy). */
  public final double[][] q() {
    return q;
  }

  /** A copy of the action-value table, {@code double[numStates][numActions]}. */
  public final double[][] qCopy() {
    double[][] c = new double[q.length][];
    for (int s = 0; s < q.length; s++) {
      c[s] = q[s].clone();
    }
    return c;
  }

  /** The number of states. */
  public final int numStates() {
    return q.length;
  }

  /** The number of actions. */
  public final int numActions() {
    return q[0].length;
  }

  /** The hyperparameters. */
  public final TdConfig config() {
    return config;
  }

  /** The current exploration rate (after any decay). */
  public final double epsilon() {
    return epsilon;
  }

  /**
   * An ε-greedy action in {@code state} (see the class comment); draws from the agent's generator.
   *
   * @throws IllegalArgumentException if {@code state} is outside {@code [0, numStates)}
   */
  public final int act(int state) {
    checkState(state, "act");
    if (epsilon > 0 && rng.nextDouble() < epsilon) {
      return rng.nextInt(q[state].length);
    }
    double[] row = q[state];
    double max = row[0];
    int n = 0;
    for (int a = 0; a < row.length; a++) {
      if (row[a] > max) {
        max = row[a];
        n = 0;
      }
      if (row[a] == max) {
        ties[n++] = a;
      }
    }
    return n == 1 ? ties[0] : ties[rng.nextInt(n)];
  }

  /**
   * The greedy action in {@code state} with ties broken by the lowest index (deterministic, draws
   * nothing), as used by {@link #greedyReturn}.
   *
   * @throws IllegalArgumentException if {@code state} is outside {@code [0, numStates)}
   */
  public final int greedyAction(int state) {
    checkState(state, "greedyAction");
    double[] row = q[state];
    int best = 0;
    for (int a = 1; a < row.length; a++) {
      if (row[a] > row[best]) {
        best = a;
      }
    }
    return best;
  }

  /** The greedy policy of the current Q, {@code int[numStates]} (lowest index among ties). */
  public final int[] greedyPolicy() {
    int[] p = new int[q.length];
    for (int s = 0; s < q.length; s++) {
      p[s] = greedyAction(s);
    }
    return p;
  }

  /**
   * Runs one learning episode: resets {@code env} with {@code seed} (null continues its stream),
   * then acts ε-greedily and updates Q after every step, until the episode terminates, is truncated
   * or {@code maxSteps} steps were taken. Does not decay ε (see {@link #train}).
   *
   * @return the episode's undiscounted return and length
   * @throws IllegalArgumentException if the environment's spaces are not {@link Discrete} of sizes
   *     {@code numStates} and {@code numActions}, or {@code maxSteps < 1}
   */
  public final Episode runEpisode(Env<Integer, Integer> env, Long seed, int maxSteps) {
    int[] off = offsets(env, "runEpisode");
    if (maxSteps < 1) {
      throw new IllegalArgumentException(
          name() + ".runEpisode: maxSteps must be >= 1, got " + maxSteps);
    }
    int s = index(env.reset(seed, java.util.Map.of()).observation(), off[0], "runEpisode");
    int a = act(s);
    double ret = 0;
    int steps = 0;
    double gamma = config.gamma();
    double alpha = config.alpha();
    while (true) {
      StepResult<Integer> r = env.step(a + off[1]);
      steps++;
      ret += r.reward();
      int s2 = index(r.observation(), off[0], "runEpisode");
      boolean ended = r.done() || steps >= maxSteps;
      int a2 = -1;
      double target = r.reward();
      if (!r.terminated()) {
        if (needsNextAction()) {
          a2 = act(s2);
        }
        target += gamma * bootstrap(s2, a2);
      }
      q[s][a] += alpha * (target - q[s][a]);
      if (ended) {
        return new Episode(ret, steps, r.done());
      }
      s = s2;
      a = a2 >= 0 ? a2 : act(s2);
    }
  }

  /**
   * Trains for {@code episodes} episodes: the first resets {@code env} with {@code envSeed}, the
   * later ones continue its stream; ε decays after each episode as {@link TdConfig} says.
   *
   * @param maxSteps the cap on the length of one episode (a capped episode is cut off like a
   *     truncation)
   * @return per-episode returns and lengths, recorded online (with exploration)
   * @throws IllegalArgumentException if {@code episodes < 1}, {@code maxSteps < 1} or the spaces do
   *     not match (see {@link #runEpisode})
   */
  public final Training train(Env<Integer, Integer> env, int episodes, long envSeed, int maxSteps) {
    if (episodes < 1) {
      throw new IllegalArgumentException(name() + ".train: episodes must be >= 1, got " + episodes);
    }
    double[] returns = new double[episodes];
    int[] lengths = new int[episodes];
    for (int e = 0; e < episodes; e++) {
      Episode ep = runEpisode(env, e == 0 ? Long.valueOf(envSeed) : null, maxSteps);
      returns[e] = ep.totalReward();
      lengths[e] = ep.length();
      epsilon = Math.max(config.epsilonMin(), epsilon * config.epsilonDecay());
    }
    return new Training(returns, lengths);
  }

  /**
   * The undiscounted return of one episode of the greedy policy ({@link #greedyAction}, no
   * exploration, no learning), reset with {@code seed}; an episode that has not ended after {@code
   * maxSteps} steps is cut there (a greedy policy may loop forever).
   *
   * @throws IllegalArgumentException if {@code maxSteps < 1} or the spaces do not match
   */
  public final Episode greedyReturn(Env<Integer, Integer> env, Long seed, int maxSteps) {
    int[] off = offsets(env, "greedyReturn");
    if (maxSteps < 1) {
      throw new IllegalArgumentException(
          name() + ".greedyReturn: maxSteps must be >= 1, got " + maxSteps);
    }
    int s = index(env.reset(seed, java.util.Map.of()).observation(), off[0], "greedyReturn");
    double ret = 0;
    for (int t = 1; ; t++) {
      StepResult<Integer> r = env.step(greedyAction(s) + off[1]);
      ret += r.reward();
      if (r.done() || t >= maxSteps) {
        return new Episode(ret, t, r.done());
      }
      s = index(r.observation(), off[0], "greedyReturn");
    }
  }

  /**
   * One episode's outcome.
   *
   * @param totalReward the undiscounted sum of rewards
   * @param length the number of steps
   * @param finished whether the environment ended the episode (terminated or truncated), rather
   *     than the {@code maxSteps} cap
   */
  public record Episode(double totalReward, int length, boolean finished) {}

  /**
   * The record of a training run.
   *
   * @param returns per-episode undiscounted returns, {@code double[episodes]}
   * @param lengths per-episode lengths, {@code int[episodes]}
   */
  public record Training(double[] returns, int[] lengths) {}

  private void checkState(int state, String op) {
    if (state < 0 || state >= q.length) {
      throw new IllegalArgumentException(
          name() + "." + op + ": state " + state + " is outside [0, " + q.length + ")");
    }
  }

  private int index(Integer obs, int start, String op) {
    if (obs == null) {
      throw new IllegalArgumentException(name() + "." + op + ": the environment observed null");
    }
    int s = obs - start;
    checkState(s, op);
    return s;
  }

  /** {start of observations, start of actions}, after checking the spaces' sizes. */
  private int[] offsets(Env<Integer, Integer> env, String op) {
    if (env == null) {
      throw new IllegalArgumentException(name() + "." + op + ": env must not be null");
    }
    Space<Integer> os = env.observationSpace();
    Space<Integer> as = env.actionSpace();
    if (!(os instanceof Discrete o) || !(as instanceof Discrete a)) {
      throw new IllegalArgumentException(
          name()
              + "."
              + op
              + ": needs Discrete observation and action spaces, got "
              + os
              + " and "
              + as);
    }
    if (o.n() != q.length || a.n() != q[0].length) {
      throw new IllegalArgumentException(
          name()
              + "."
              + op
              + ": Q is ["
              + q.length
              + ", "
              + q[0].length
              + "] but the environment has "
              + o
              + " observations and "
              + a
              + " actions");
    }
    return new int[] {o.start(), a.start()};
  }

  /** {@code max_a Q(s, a)}. */
  protected final double maxQ(int state) {
    double[] row = q[state];
    double m = row[0];
    for (int a = 1; a < row.length; a++) {
      m = Math.max(m, row[a]);
    }
    return m;
  }

  /** The expectation of {@code Q(s, ·)} under the current ε-greedy policy. */
  protected final double expectedQ(int state) {
    // Greedy ties share the (1 − ε) mass but have equal values, so the greedy part is the max.
    double[] row = q[state];
    double sum = 0;
    for (double x : row) {
      sum += x;
    }
    return (1 - epsilon) * maxQ(state) + epsilon * sum / row.length;
  }
}
