package dev.residual.rl.dqn;

/**
 * DQN hyperparameters, with CleanRL's ({@link #cleanRl()}) and ARENA's ({@link #arena()}) presets.
 *
 * @param totalTimesteps environment steps of training
 * @param learningRate AdamW learning rate
 * @param weightDecay AdamW weight decay (0 makes it Adam, as CleanRL)
 * @param bufferSize replay capacity (transitions)
 * @param gamma discount
 * @param tau target update weight ({@code target ← τ·online + (1 − τ)·target}; 1 copies)
 * @param targetNetworkFrequency environment steps between target updates
 * @param batchSize transitions per gradient step
 * @param startE initial ε
 * @param endE final ε
 * @param explorationFraction fraction of {@code totalTimesteps} over which ε falls linearly
 * @param learningStarts environment steps before learning starts (random actions until then)
 * @param trainFrequency environment steps per gradient step
 * @param loss TD loss
 * @param maxGradNorm gradient clipping norm; {@code NaN} or ≤ 0 disables it
 * @param hidden hidden layer widths of the Q-network
 * @param seed seed of network initialisation, exploration and replay sampling
 */
public record DqnConfig(
    long totalTimesteps,
    double learningRate,
    double weightDecay,
    int bufferSize,
    double gamma,
    double tau,
    int targetNetworkFrequency,
    int batchSize,
    double startE,
    double endE,
    double explorationFraction,
    int learningStarts,
    int trainFrequency,
    Loss loss,
    double maxGradNorm,
    int[] hidden,
    long seed) {
  /** TD loss. */
  public enum Loss {
    /** Mean squared TD error (CleanRL). */
    MSE,
    /** Huber (smooth L1, δ = 1), Mnih et al.'s error clipping. */
    HUBER
  }

  /**
   * @throws IllegalArgumentException naming the first invalid field
   */
  public DqnConfig {
    require(totalTimesteps >= 1, "totalTimesteps", totalTimesteps);
    require(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate);
    require(weightDecay >= 0, "weightDecay", weightDecay);
    require(bufferSize >= 1, "bufferSize", bufferSize);
    require(gamma >= 0 && gamma <= 1, "gamma", gamma);
    require(tau > 0 && tau <= 1, "tau", tau);
    require(targetNetworkFrequency >= 1, "targetNetworkFrequency", targetNetworkFrequency);
    require(batchSize >= 1, "batchSize", batchSize);
    require(startE >= 0 && startE <= 1, "startE", startE);
    require(endE >= 0 && endE <= 1, "endE", endE);
    require(
        explorationFraction > 0 && explorationFraction <= 1,
        "explorationFraction",
        explorationFraction);
    require(learningStarts >= 0, "learningStarts", learningStarts);
    require(trainFrequency >= 1, "trainFrequency", trainFrequency);
    require(loss != null, "loss", loss);
    require(hidden != null && hidden.length > 0, "hidden", hidden);
    hidden = hidden.clone();
  }

  private static void require(boolean ok, String field, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("DqnConfig: invalid " + field + ": " + value);
    }
  }

  /**
   * CleanRL's {@code dqn.py} defaults: 500,000 steps, lr 2.5e-4 (Adam), buffer 10,000, γ 0.99, hard
   * target update every 500 steps, batch 128, ε 1 → 0.05 over half the steps, learning starts at
   * 10,000, a gradient step every 10, MSE loss, no clipping, network 120-84.
   */
  public static DqnConfig cleanRl() {
    return new DqnConfig(
        500_000,
        2.5e-4,
        0.0,
        10_000,
        0.99,
        1.0,
        500,
        128,
        1.0,
        0.05,
        0.5,
        10_000,
        10,
        Loss.MSE,
        Double.NaN,
        new int[] {120, 84},
        1);
  }

  /** ARENA's DQN chapter defaults: as CleanRL but ε 1 → 0.1 over the first 20% of the steps. */
  public static DqnConfig arena() {
    return new DqnConfig(
        500_000,
        2.5e-4,
        0.0,
        10_000,
        0.99,
        1.0,
        500,
        128,
        1.0,
        0.1,
        0.2,
        10_000,
        10,
        Loss.MSE,
        Double.NaN,
        new int[] {120, 84},
        1);
  }

  /** A copy with another step budget and learning start (for short runs and tests). */
  public DqnConfig withSteps(long total, int starts) {
    return new DqnConfig(
        total,
        learningRate,
        weightDecay,
        bufferSize,
        gamma,
        tau,
        targetNetworkFrequency,
        batchSize,
        startE,
        endE,
        explorationFraction,
        starts,
        trainFrequency,
        loss,
        maxGradNorm,
        hidden,
        seed);
  }

  /** A copy with another seed. */
  public DqnConfig withSeed(long s) {
    return new DqnConfig(
        totalTimesteps,
        learningRate,
        weightDecay,
        bufferSize,
        gamma,
        tau,
        targetNetworkFrequency,
        batchSize,
        startE,
        endE,
        explorationFraction,
        learningStarts,
        trainFrequency,
        loss,
        maxGradNorm,
        hidden,
        s);
  }

  /**
   * ε at {@code step}: linear from {@code startE} to {@code endE} over {@code explorationFraction ·
   * totalTimesteps} steps, then {@code endE} (CleanRL's {@code linear_schedule}).
   */
  public double epsilon(long step) {
    double duration = explorationFraction * totalTimesteps;
    double slope = (endE - startE) / duration;
    return Math.max(slope * step + startE, endE);
  }
}
