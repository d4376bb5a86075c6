package dev.residual.rl.bandit;

import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.bandit.KArmedBandit;
import dev.residual.tensor.Generator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The k-armed testbed of Sutton and Barto (section 2.3): every agent plays {@code runs} independent
 * bandit problems for {@code steps} steps each, and the curves are averaged over runs step by step:
 * the average reward and the fraction of steps on which an optimal arm was pulled.
 *
 * <p>Each run uses a fresh {@link KArmedBandit} reset with its own seed and a fresh agent with its
 * own generator. The seeds of run {@code r} depend only on the testbed seed and {@code r}, and
 * every agent of a run meets the same bandit with the same reward noise (common random numbers), so
 * differences between agents are paired and less noisy. Runs are summed in fixed blocks of {@value
 * #BLOCK} and the blocks combined in order, so the results are bit-identical whatever the number of
 * threads.
 *
 * <pre>{@code
 * List<Testbed.Result> r = Testbed.builder().runs(2000).steps(1000).seed(0).threads(2).build()
 *     .run(List.of(Testbed.Contender.of("ε=0.1", () -> EpsilonGreedy.sampleAverage(0.1))));
 * }</pre>
 */
public final class Testbed {
  /** Runs summed together by one task; fixed so that summation order never depends on threads. */
  static final int BLOCK = 25;

  private final int arms;
  private final int runs;
  private final int steps;
  private final long seed;
  private final double meanOffset;
  private final boolean stationary;
  private final double walkStd;
  private final int threads;

  /**
   * A named agent to put on the testbed. The factory is called once per run with that run's bandit
   * (already reset), so an agent such as {@link Cheater} may read it.
   *
   * @param name the label of the agent's curves
   * @param factory makes a fresh agent for one run
   */
  public record Contender(String name, Function<KArmedBandit, BanditAgent> factory) {
    /**
     * @throws IllegalArgumentException if the name is empty or the factory null
     */
    public Contender {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("Testbed.Contender: the name must not be empty");
      }
      if (factory == null) {
        throw new IllegalArgumentException("Testbed.Contender '" + name + "': factory is null");
      }
    }

    /** A contender whose agents do not need to see the bandit. */
    public static Contender of(String name, Supplier<BanditAgent> factory) {
      if (factory == null) {
        throw new IllegalArgumentException("Testbed.Contender '" + name + "': factory is null");
      }
      return new Contender(name, env -> factory.get());
    }
  }

  /**
   * The curves of one agent, averaged over runs; index {@code t} is step {@code t + 1}.
   *
   * @param name the contender's name
   * @param averageReward the mean reward at each step, {@code [steps]}
   * @param optimalFraction the fraction of runs that pulled an optimal arm at each step, in {@code
   *     [0, 1]}, {@code [steps]}
   * @param runs the number of runs averaged
   */
  public record Result(String name, double[] averageReward, double[] optimalFraction, int runs) {
    /**
     * The mean of {@link #averageReward()} over the 0-based steps {@code [from, to)}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= from < to <= steps}
     */
    public double meanReward(int from, int to) {
      return mean(averageReward, from, to, "meanReward");
    }

    /**
     * The mean of {@link #optimalFraction()} over the 0-based steps {@code [from, to)}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= from < to <= steps}
     */
    public double meanOptimal(int from, int to) {
      return mean(optimalFraction, from, to, "meanOptimal");
    }

    /** The number of steps of the curves. */
    public int steps() {
      return averageReward.length;
    }

    private double mean(double[] v, int from, int to, String op) {
      if (from < 0 || to > v.length || from >= to) {
        throw new IllegalArgumentException(
            "Testbed.Result."
                + op
                + ": range ["
                + from
                + ", "
                + to
                + ") is not inside [0, "
                + v.length
                + ") or is empty");
      }
      double s = 0;
      for (int t = from; t < to; t++) {
        s += v[t];
      }
      return s / (to - from);
    }
  }

  private Testbed(Builder b) {
    this.arms = b.arms;
    this.runs = b.runs;
    this.steps = b.steps;
    this.seed = b.seed;
    this.meanOffset = b.meanOffset;
    this.stationary = b.stationary;
    this.walkStd = b.walkStd;
    this.threads = b.threads == 0 ? Runtime.getRuntime().availableProcessors() : b.threads;
  }

  /** A builder with the book's settings: 10 stationary arms ~ N(0, 1), 2000 runs, 1000 steps. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs every contender on the testbed.
   *
   * @return one result per contender, in the order given
   * @throws IllegalArgumentException if the list is empty or two contenders share a name
   */
  public List<Result> run(List<Contender> contenders) {
    if (contenders == null || contenders.isEmpty()) {
      throw new IllegalArgumentException("Testbed.run: no contenders");
    }
    Set<String> names = new HashSet<>();
    for (Contender c : contenders) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException(
            "Testbed.run: duplicate contender name '" + c.name() + "'");
      }
    }
    int blocks = (runs + BLOCK - 1) / BLOCK;
    List<Block> sums = new ArrayList<>(blocks);
    if (threads == 1 || blocks == 1) {
      for (int b = 0; b < blocks; b++) {
        sums.add(runBlock(contenders, b));
      }
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, blocks));
      try {
        List<Future<Block>> futures = new ArrayList<>(blocks);
        for (int b = 0; b < blocks; b++) {
          int block = b;
          futures.add(pool.submit(() -> runBlock(contenders, block)));
        }
        for (Future<Block> f : futures) {
          sums.add(f.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Testbed.run: interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException("Testbed.run: a run failed: " + cause, cause);
      } finally {
        pool.shutdownNow();
      }
    }
    List<Result> out = new ArrayList<>(contenders.size());
    for (int i = 0; i < contenders.size(); i++) {
      double[] reward = new double[steps];
      long[] optimal = new long[steps];
      for (Block s : sums) {
        for (int t = 0; t < steps; t++) {
          reward[t] += s.reward[i][t];
          optimal[t] += s.optimal[i][t];
        }
      }
      double[] fraction = new double[steps];
      for (int t = 0; t < steps; t++) {
        reward[t] /= runs;
        fraction[t] = (double) optimal[t] / runs;
      }
      out.add(new Result(contenders.get(i).name(), reward, fraction, runs));
    }
    return out;
  }

  private record Block(double[][] reward, int[][] optimal) {}

  private Block runBlock(List<Contender> contenders, int block) {
    double[][] reward = new double[contenders.size()][steps];
    int[][] optimal = new int[contenders.size()][steps];
    int end = Math.min(runs, (block + 1) * BLOCK);
    for (int r = block * BLOCK; r < end; r++) {
      long envSeed = runSeed(seed, r, 0);
      long agentSeed = runSeed(seed, r, 1);
      for (int i = 0; i < contenders.size(); i++) {
        playRun(contenders.get(i), envSeed, agentSeed, reward[i], optimal[i]);
      }
    }
    return new Block(reward, optimal);
  }

  private void playRun(Contender c, long envSeed, long agentSeed, double[] reward, int[] optimal) {
    KArmedBandit env = new KArmedBandit(arms, meanOffset, stationary, walkStd, steps);
    env.reset(envSeed);
    BanditAgent agent = c.factory().apply(env);
    if (agent == null) {
      throw new IllegalStateException(
          "Testbed.run: the factory of '" + c.name() + "' returned null");
    }
    agent.reset(arms);
    Generator g = new Generator(agentSeed);
    for (int t = 0; t < steps; t++) {
      int a = agent.act(g);
      StepResult<Integer> s = env.step(a);
      agent.update(a, s.reward());
      reward[t] += s.reward();
      if ((Boolean) s.info().get(KArmedBandit.INFO_OPTIMAL)) {
        optimal[t]++;
      }
    }
  }

  /** A well-mixed seed for stream {@code stream} of run {@code run} (SplitMix64 finaliser). */
  static long runSeed(long seed, int run, int stream) {
    long z = seed + 0x9E3779B97F4A7C15L * (2L * run + stream + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The number of arms. */
  public int arms() {
    return arms;
  }

  /** The number of independent runs averaged. */
  public int runs() {
    return runs;
  }

  /** The number of steps per run. */
  public int steps() {
    return steps;
  }

  /** The seed from which every run's seeds derive. */
  public long seed() {
    return seed;
  }

  /** Builds a {@link Testbed}; every setter returns {@code this}. */
  public static final class Builder {
    private int arms = KArmedBandit.DEFAULT_ARMS;
    private int runs = 2000;
    private int steps = 1000;
    private long seed;
    private double meanOffset;
    private boolean stationary = true;
    private double walkStd = KArmedBandit.DEFAULT_WALK_STD;
    private int threads = 1;

    private Builder() {}

    /** The number of arms (default 10). */
    public Builder arms(int arms) {
      this.arms = arms;
      return this;
    }

    /** The number of independent runs (default 2000). */
    public Builder runs(int runs) {
      this.runs = runs;
      return this;
    }

    /** The number of steps per run (default 1000). */
    public Builder steps(int steps) {
      this.steps = steps;
      return this;
    }

    /** The seed every run's seeds derive from (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The mean of the true arm values (default 0; figure 2.5 uses 4). */
    public Builder meanOffset(double meanOffset) {
      this.meanOffset = meanOffset;
      return this;
    }

    /** Whether the bandits are stationary (default true). */
    public Builder stationary(boolean stationary) {
      this.stationary = stationary;
      return this;
    }

    /** The random-walk standard deviation of non-stationary bandits (default 0.01). */
    public Builder walkStd(double walkStd) {
      this.walkStd = walkStd;
      return this;
    }

    /**
     * The number of worker threads (default 1; 0 means one per available processor). Results do not
     * depend on it.
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Checks the settings and builds the testbed.
     *
     * @throws IllegalArgumentException if runs, steps or arms is below 1, threads is negative, or
     *     the bandit settings are invalid (see {@link KArmedBandit})
     */
    public Testbed build() {
      if (runs < 1 || steps < 1) {
        throw new IllegalArgumentException(
            "Testbed: runs and steps must be >= 1, got runs=" + runs + ", steps=" + steps);
      }
      if (threads < 0) {
        throw new IllegalArgumentException("Testbed: threads must be >= 0, got " + threads);
      }
      // Validates arms, meanOffset and walkStd with the environment's own messages.
      new KArmedBandit(arms, meanOffset, stationary, walkStd, steps);
      return new Testbed(this);
    }
  }
}
