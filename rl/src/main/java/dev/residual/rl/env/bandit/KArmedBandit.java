package dev.residual.rl.env.bandit;

import dev.residual.rl.env.AbstractEnv;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.rl.env.spaces.Space;
import java.util.Arrays;
import java.util.Map;

/**
 * The k-armed bandit testbed of Sutton and Barto (2018, section 2.3 and exercise 2.5).
 *
 * <p><b>Stationary</b> (the default): on every reset the true arm values {@code q*(a)} are drawn
 * independently from {@code N(meanOffset, 1)} (offset 0 in figures 2.2 to 2.4, +4 in figure 2.5)
 * and stay fixed for the episode. <b>Non-stationary</b>: every {@code q*(a)} starts at {@code
 * meanOffset} and, after every step, each takes an independent increment {@code N(0, walkStd²)};
 * the "random walk with N(0, 0.01) steps" is read as in exercise 2.5, with 0.01 the
 * <em>standard deviation</em> of the increments (the default {@code walkStd}).
 *
 * <p>Pulling arm {@code a} pays a reward drawn from {@code N(q*(a), 1)}. Every random draw (arm
 * values, rewards, increments) comes from the environment's generator, so {@code reset(seed)}
 * reproduces a whole episode for a given sequence of actions.
 *
 * <p>Gymnasium contract: the observation is always {@code 0} ({@code Discrete(1)}: a bandit has one
 * state), the actions are {@code Discrete(k)}. A bandit never terminates, so {@code terminated} is
 * always false; to fit the episodic contract the episode is <em>truncated</em> after {@code
 * horizon} steps (default 1000). {@code info} of every step carries {@value #INFO_BEST_ARM} (the
 * arm with the largest true value when the action was taken, the lowest index on a tie) and {@value
 * #INFO_OPTIMAL} (whether the chosen arm's true value equalled the largest one, so on a tie every
 * tied arm counts as optimal); the reset info carries {@value #INFO_BEST_ARM}.
 *
 * <p>Reset options: {@value #OPTION_STATIONARY} ({@code Boolean}) overrides the constructor's
 * choice for that episode; {@value #OPTION_MEANS} ({@code double[]} of length k) sets the true
 * values explicitly instead of drawing them (they then random-walk from there if non-stationary).
 */
public final class KArmedBandit extends AbstractEnv<Integer, Integer> {
  /** Info key of the best arm (an {@code Integer}). */
  public static final String INFO_BEST_ARM = "best_arm";

  /** Info key of whether the action taken was a best arm (a {@code Boolean}). */
  public static final String INFO_OPTIMAL = "optimal";

  /** Reset option: a {@code Boolean}, whether this episode's arm values stay fixed. */
  public static final String OPTION_STATIONARY = "stationary";

  /** Reset option: a {@code double[k]} of true arm values to use instead of random ones. */
  public static final String OPTION_MEANS = "means";

  /** The default number of arms, as in the book's testbed. */
  public static final int DEFAULT_ARMS = 10;

  /** The default episode length before truncation. */
  public static final int DEFAULT_HORIZON = 1000;

  /** The default standard deviation of the non-stationary random-walk increments. */
  public static final double DEFAULT_WALK_STD = 0.01;

  private final int k;
  private final double meanOffset;
  private final boolean stationaryByDefault;
  private final double walkStd;
  private final int horizon;
  private final Discrete observationSpace = new Discrete(1);
  private final Discrete actionSpace;
  private final double[] means;
  private boolean stationary;
  private int best;
  private int steps;

  /** The book's testbed: 10 stationary arms with values ~ N(0, 1), episodes of 1000 steps. */
  public KArmedBandit() {
    this(DEFAULT_ARMS);
  }

  /** A stationary testbed with {@code k} arms, values ~ N(0, 1), episodes of 1000 steps. */
  public KArmedBandit(int k) {
    this(k, 0.0, true, DEFAULT_WALK_STD, DEFAULT_HORIZON);
  }

  /**
   * A bandit with every setting explicit.
   *
   * @param k the number of arms
   * @param meanOffset the mean of the arm-value distribution (stationary) or the common starting
   *     value (non-stationary)
   * @param stationary whether the arm values stay fixed (overridable per episode by the {@value
   *     #OPTION_STATIONARY} reset option)
   * @param walkStd the standard deviation of the per-step increments of a non-stationary bandit
   * @param horizon the number of steps after which an episode is truncated
   * @throws IllegalArgumentException if {@code k < 1}, {@code horizon < 1}, {@code walkStd} is
   *     negative or not finite, or {@code meanOffset} is not finite
   */
  public KArmedBandit(int k, double meanOffset, boolean stationary, double walkStd, int horizon) {
    if (k < 1) {
      throw new IllegalArgumentException("KArmedBandit: k must be >= 1, got " + k);
    }
    if (horizon < 1) {
      throw new IllegalArgumentException("KArmedBandit: horizon must be >= 1, got " + horizon);
    }
    if (!(walkStd >= 0) || Double.isInfinite(walkStd)) {
      throw new IllegalArgumentException(
          "KArmedBandit: walkStd must be finite and >= 0, got " + walkStd);
    }
    if (!Double.isFinite(meanOffset)) {
      throw new IllegalArgumentException(
          "KArmedBandit: meanOffset must be finite, got " + meanOffset);
    }
    this.k = k;
    this.meanOffset = meanOffset;
    this.stationaryByDefault = stationary;
    this.stationary = stationary;
    this.walkStd = walkStd;
    this.horizon = horizon;
    this.actionSpace = new Discrete(k);
    this.means = new double[k];
  }

  /**
   * The non-stationary bandit of exercise 2.5: {@code k} arms starting at 0, random-walk increments
   * ~ N(0, 0.01²), episodes of {@code horizon} steps.
   *
   * @throws IllegalArgumentException as the full constructor
   */
  public static KArmedBandit nonStationary(int k, int horizon) {
    return new KArmedBandit(k, 0.0, false, DEFAULT_WALK_STD, horizon);
  }

  @Override
  protected ResetResult<Integer> doReset(Map<String, Object> options) {
    Object st = options.get(OPTION_STATIONARY);
    if (st != null && !(st instanceof Boolean)) {
      throw new IllegalArgumentException(
          "KArmedBandit.reset: option '"
              + OPTION_STATIONARY
              + "' must be a Boolean, got "
              + st.getClass().getSimpleName());
    }
    stationary = st == null ? stationaryByDefault : (Boolean) st;
    Object given = options.get(OPTION_MEANS);
    if (given != null) {
      if (!(given instanceof double[] m) || m.length != k) {
        throw new IllegalArgumentException(
            "KArmedBandit.reset: option '"
                + OPTION_MEANS
                + "' must be a double["
                + k
                + "], got "
                + (given instanceof double[] m2
                    ? "double[" + m2.length + "]"
                    : given.getClass().getSimpleName()));
      }
      for (double v : m) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(
              "KArmedBandit.reset: option '"
                  + OPTION_MEANS
                  + "' has a non-finite value: "
                  + Arrays.toString(m));
        }
      }
      System.arraycopy(m, 0, means, 0, k);
    } else if (stationary) {
      for (int a = 0; a < k; a++) {
        means[a] = meanOffset + rng().nextGaussian();
      }
    } else {
      Arrays.fill(means, meanOffset);
    }
    best = firstArgmax(means);
    steps = 0;
    return new ResetResult<>(0, Map.of(INFO_BEST_ARM, best));
  }

  @Override
  protected StepResult<Integer> doStep(Integer action) {
    int a = action;
    double reward = means[a] + rng().nextGaussian();
    // The info describes the arm values the action faced, before this step's random walk.
    Map<String, Object> info = Map.of(INFO_BEST_ARM, best, INFO_OPTIMAL, means[a] == means[best]);
    if (!stationary) {
      for (int i = 0; i < k; i++) {
        means[i] += walkStd * rng().nextGaussian();
      }
      best = firstArgmax(means);
    }
    steps++;
    return new StepResult<>(0, reward, false, steps >= horizon, info);
  }

  private static int firstArgmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** {@code Discrete(1)}: the only observation is 0. */
  @Override
  public Space<Integer> observationSpace() {
    return observationSpace;
  }

  /** {@code Discrete(k)}: the arm to pull. */
  @Override
  public Space<Integer> actionSpace() {
    return actionSpace;
  }

  /** The number of arms. */
  public int k() {
    return k;
  }

  /** The number of steps after which an episode is truncated. */
  public int horizon() {
    return horizon;
  }

  /**
   * Whether the current episode's arm values stay fixed (the constructor's choice before reset).
   */
  public boolean isStationary() {
    return stationary;
  }

  /** The standard deviation of the random-walk increments of a non-stationary episode. */
  public double walkStd() {
    return walkStd;
  }

  /** The mean (stationary) or starting value (non-stationary) of the true arm values. */
  public double meanOffset() {
    return meanOffset;
  }

  /** The number of steps taken in the current episode. */
  public int stepCount() {
    return steps;
  }

  /**
   * A copy of the current true arm values {@code q*(a)}, {@code [k]} (all zero before the first
   * reset).
   */
  public double[] means() {
    return means.clone();
  }

  /**
   * The current true value of arm {@code a}.
   *
   * @throws IllegalArgumentException if {@code a} is not in {@code [0, k)}
   */
  public double mean(int a) {
    if (a < 0 || a >= k) {
      throw new IllegalArgumentException(
          "KArmedBandit.mean: arm " + a + " is not in [0, " + k + ")");
    }
    return means[a];
  }

  /** The arm with the largest current true value (the lowest index on a tie). */
  public int bestArm() {
    return best;
  }

  @Override
  public String toString() {
    return "KArmedBandit(k="
        + k
        + (stationaryByDefault ? ", stationary" : ", non-stationary walkStd=" + walkStd)
        + ", meanOffset="
        + meanOffset
        + ", horizon="
        + horizon
        + ")";
  }
}
